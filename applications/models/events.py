"""The append-only trail of what happened to each application."""

from django.conf import settings
from django.db import models

from leo_access.hash_chain import ChainedLog

from ..states import State
from .application import Application


class ApplicationEvent(ChainedLog):
    """One entry in an application's audit trail. Append-only: never updated or deleted.

    On PostgreSQL a trigger also refuses UPDATE and DELETE (see the migration). Each event carries the hash of
    the one before it (leo_access/hash_chain.py), so an event changed behind the trigger's back is found.
    """

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_role = models.CharField(max_length=30)
    from_state = models.CharField(max_length=30, choices=State.choices)
    to_state = models.CharField(max_length=30, choices=State.choices)
    at = models.DateTimeField(db_index=True)
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    append_only_name = "The event log"
    chain_fields = ("application", "kind", "actor", "actor_role", "from_state", "to_state", "at", "comment", "data")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["application", "at"]), models.Index(fields=["kind", "at"])]

    def __str__(self):
        return f"{self.application_id} {self.kind} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def is_transition(self) -> bool:
        return self.from_state != self.to_state
