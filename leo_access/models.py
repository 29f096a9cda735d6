from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models

from .accredited_researchers.models import RegisterEntry, RegisterImport  # noqa: F401 - so do the register's
from .audit.models import AuditEvent, AuditKind  # noqa: F401 - the audit log's models belong to this app


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person using the service. People sign in with their e-mail address."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.get_full_name()


class AccreditationType(models.TextChoices):
    FULL = "full", "Full"
    PROVISIONAL = "provisional", "Provisional"


class ResearcherProfile(models.Model):
    """A researcher's organisation and Digital Economy Act accreditation.

    Accreditation numbers have no public format, so the reference is an opaque string.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="researcher_profile")
    organisation = models.CharField(max_length=200, blank=True)
    accreditation_type = models.CharField(max_length=20, choices=AccreditationType.choices, blank=True)
    accreditation_reference = models.CharField(max_length=100, blank=True)
    accreditation_valid_from = models.DateField(null=True, blank=True)
    accreditation_valid_until = models.DateField(null=True, blank=True)
    supervisor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervised_researchers",
        help_text="A provisional researcher's fully accredited supervisor at the same organisation.",
    )

    def __str__(self):
        return f"{self.user}: {self.get_accreditation_type_display() or 'no accreditation'}"
