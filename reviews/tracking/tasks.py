from datetime import date

from celery import shared_task

from . import services


@shared_task(name="reviews.tracking.tasks.build_export", time_limit=1800, soft_time_limit=1740)
def build_export(export_id: str) -> str | None:
    export = services.build_export(export_id)
    return export.status if export else None


@shared_task(name="reviews.tracking.tasks.delete_expired_exports", time_limit=600, soft_time_limit=540)
def delete_expired_exports() -> int:
    return services.delete_expired_exports()


@shared_task(name="reviews.tracking.tasks.refresh_dashboard", time_limit=600, soft_time_limit=540)
def refresh_dashboard(period_key: str = "") -> str:
    """Store the dashboard for a period ("2026-01-01/2026-12-31"; empty: the last twelve months). Beat runs it every
    minute for the default period, which also forgets the periods nobody has asked for lately."""
    from .selectors import Period

    if period_key:
        start, end = (date.fromisoformat(part) for part in period_key.split("/"))
        period = Period(start, end)
    else:
        period = None
        services.forget_unused_dashboards()
    return str(services.refresh_dashboard(period=period).computed_at)
