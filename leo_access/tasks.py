from celery import shared_task
from django.core import management


@shared_task(name="leo_access.tasks.ping", time_limit=30, soft_time_limit=20)
def ping(value: str) -> str:
    """A trivial task to prove a worker is consuming from the broker."""
    return f"pong: {value}"


@shared_task(name="leo_access.tasks.clear_expired_sessions", time_limit=600, soft_time_limit=540)
def clear_expired_sessions() -> str:
    management.call_command("clearsessions")
    return "expired sessions cleared"
