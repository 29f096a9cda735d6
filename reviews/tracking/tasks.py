from celery import shared_task

from . import services


@shared_task(name="reviews.tracking.tasks.build_export", time_limit=1800, soft_time_limit=1740)
def build_export(export_id: str) -> str | None:
    export = services.build_export(export_id)
    return export.status if export else None


@shared_task(name="reviews.tracking.tasks.delete_expired_exports", time_limit=600, soft_time_limit=540)
def delete_expired_exports() -> int:
    return services.delete_expired_exports()
