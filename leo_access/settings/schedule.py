"""The periodic work beat runs (`make beat`): each task is idempotent, so a beat that was down catches up."""

from datetime import timedelta

BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "leo_access.tasks.clear_expired_sessions",
        "schedule": timedelta(hours=6),
    },
    "close-ended-projects": {
        "task": "reviews.tasks.close_ended_projects",
        "schedule": timedelta(hours=24),
    },
    # Each member's accreditation, nightly: a lapsed one suspends that member's access (idempotent).
    "check-member-access": {
        "task": "applications.tasks.check_member_access",
        "schedule": timedelta(hours=24),
    },
    # The dashboard is read from what this stores; pages never work it out.
    "refresh-dashboard": {
        "task": "reviews.tracking.tasks.refresh_dashboard",
        "schedule": timedelta(minutes=1),
    },
    "delete-expired-exports": {
        "task": "reviews.tracking.tasks.delete_expired_exports",
        "schedule": timedelta(hours=1),
    },
    # Hourly, though reminders and digests are daily: each records its period, so the later runs
    # of a day send nothing and a beat that was down catches up within the hour.
    "notification-reminders": {
        "task": "notifications.tasks.send_reminders",
        "schedule": timedelta(hours=1),
    },
    "notification-digests": {
        "task": "notifications.tasks.send_digests",
        "schedule": timedelta(hours=1),
    },
    # Messages past NOTIFICATION_KEEP_DAYS or NOTIFICATION_FAILED_KEEP_DAYS.
    "notification-purge": {
        "task": "notifications.tasks.purge_old_messages",
        "schedule": timedelta(hours=24),
    },
    "notification-send-pending": {
        "task": "notifications.tasks.send_pending",
        "schedule": timedelta(minutes=5),
    },
    # Work that could not be queued when it was committed (the broker was down) is queued by these.
    "queue-unchecked-forms": {
        "task": "applications.tasks.queue_unchecked_forms",
        "schedule": timedelta(minutes=5),
    },
    "queue-missing-signed-documents": {
        "task": "declarations.tasks.queue_missing_documents",
        "schedule": timedelta(minutes=5),
    },
}
