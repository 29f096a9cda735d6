"""The people on an application's research team."""

from django.conf import settings
from django.db import models

from .application import Application


class TeamMember(models.Model):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", "Project co-ordinator"
        MEMBER = "member", "Researcher"

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        REMOVED = "removed", "Removed"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="team_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INVITED)
    invited_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["invited_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "email"],
                condition=~models.Q(status="removed") & ~models.Q(status="declined"),
                name="one_live_membership_per_email",
            )
        ]

    def __str__(self):
        return f"{self.email} ({self.get_role_display()}, {self.get_status_display()})"

    @property
    def account(self):
        """The member's account as the team may see it. An invitation is linked to an existing account at once,
        so the invitee finds it, but showing that account's name and accreditation before they accept would tell
        whoever typed an address whether its owner has an account: until then the team sees only the address."""
        return self.user if self.status == self.Status.ACCEPTED else None
