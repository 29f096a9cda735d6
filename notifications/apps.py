from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from applications.lifecycle import event_committed

        from . import outbox

        # applications/ may not import this app, so it announces committed events and we listen.
        event_committed.connect(outbox.on_event_committed, dispatch_uid="notifications.on_event_committed")
