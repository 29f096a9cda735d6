"""The criteria an application must meet for an official with delegated authority to accredit it, set by admins."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

SENSITIVITY_CATEGORIES = "ABCDE"


def validate_sensitivities(value: str):
    letters = [letter.strip().upper() for letter in (value or "").split(",") if letter.strip()]
    unknown = [letter for letter in letters if letter not in SENSITIVITY_CATEGORIES]
    if unknown:
        raise ValidationError(
            f"Sensitivity categories are letters A to E, separated by commas: not {', '.join(unknown)}."
        )


class DelegationSettings(models.Model):
    """One row (pk 1): edited in the Django admin, read by `applications.delegation` when departments have
    approved."""

    enabled = models.BooleanField(
        default=True,
        help_text="Off, every application goes to the panel after department review.",
    )
    identification_risk_floor = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="Every requested data item must score at least this on the form's identification risk scale "
        "(1 is the most identifying, 5 the least). An item with no score fails.",
    )
    excluded_sensitivities = models.CharField(
        max_length=20,
        default="A,B",
        blank=True,
        validators=[validate_sensitivities],
        help_text="Sensitivity categories (A most sensitive to E) no requested data item may be in, separated by "
        "commas. An item with no category fails unless this is empty.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "delegated accreditation criteria"
        verbose_name_plural = "delegated accreditation criteria"

    def __str__(self):
        return "Delegated accreditation criteria"

    def save(self, *args, **kwargs):
        self.pk = 1
        self.excluded_sensitivities = ",".join(self.sensitivities)
        super().save(*args, **kwargs)

    @property
    def sensitivities(self) -> list[str]:
        letters = {letter.strip().upper() for letter in (self.excluded_sensitivities or "").split(",")}
        return sorted(letter for letter in letters if letter)

    @classmethod
    def current(cls) -> "DelegationSettings":
        return cls.objects.filter(pk=1).first() or cls(pk=1)
