"""Records that are written once and never changed or removed (event and audit logs).

The ORM refuses here; on PostgreSQL a trigger of each table's migration refuses too, for any client.
"""

from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError(f"{self.model.append_only_name} is append-only.")

    def delete(self):
        raise PermissionError(f"{self.model.append_only_name} is append-only.")


class AppendOnlyModel(models.Model):
    append_only_name = "This log"

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(f"{self.append_only_name} is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self.append_only_name} is append-only.")
