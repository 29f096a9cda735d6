"""A researcher's own profile: name, organisation and accreditation."""

from datetime import date, timedelta

from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render

from leo_access.forms import GovukDateField, GovukForm

from .accredited_researchers import selectors as register_selectors
from .models import AccreditationType, ResearcherProfile, User
from .permissions import has_permission

WARN_BEFORE_EXPIRY = timedelta(days=90)


class ProfileForm(GovukForm):
    submit_label = "Save profile"
    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        help_text="As it appears on your accreditation.",
        error_messages={"required": "Enter your full name"},
    )
    organisation = forms.CharField(
        label="Organisation", max_length=200, error_messages={"required": "Enter your organisation"}
    )
    accreditation_type = forms.ChoiceField(
        label="What type of accreditation do you hold?",
        choices=AccreditationType.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    accreditation_reference = forms.CharField(label="Accreditation reference", required=False, max_length=100)
    accreditation_valid_from = GovukDateField(
        label="Accreditation valid from", required=False, require_all_fields=False, help_text="For example, 1 9 2024"
    )
    accreditation_valid_until = GovukDateField(
        label="Accreditation valid until", required=False, require_all_fields=False, help_text="For example, 31 8 2029"
    )
    supervisor_email = forms.EmailField(
        label="Your supervisor's e-mail address",
        required=False,
        help_text="Only if your accreditation is provisional. Your supervisor must be fully accredited and at the "
        "same organisation.",
        error_messages={"invalid": "Enter an e-mail address in the correct format, like name@example.org"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.text("full_name"),
            Field.text("organisation"),
            Field.radios("accreditation_type", legend_size=Size.SMALL),
            Field.text("accreditation_reference", field_width=20),
            Field("accreditation_valid_from"),
            Field("accreditation_valid_until"),
            Field.text("supervisor_email"),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("accreditation_valid_from"), cleaned.get("accreditation_valid_until")
        if start and end and end <= start:
            self.add_error("accreditation_valid_until", "The date your accreditation ends must be after it starts")
        kind = cleaned.get("accreditation_type")
        if kind and not cleaned.get("accreditation_reference", "").strip():
            self.add_error("accreditation_reference", "Enter your accreditation reference")
        if kind and not end:
            self.add_error("accreditation_valid_until", "Enter the date your accreditation ends")
        if kind == AccreditationType.PROVISIONAL and not cleaned.get("supervisor_email"):
            self.add_error("supervisor_email", "Enter your supervisor's e-mail address")
        return cleaned


@transaction.atomic
def update_profile(*, user: User, by: User, values: dict) -> ResearcherProfile:
    """Researchers keep their own profile; nobody edits someone else's here."""
    if user.pk != by.pk:
        raise PermissionError("People may only change their own profile.")
    user.full_name = values["full_name"].strip()
    user.save(update_fields=["full_name"])
    supervisor_email = (values.get("supervisor_email") or "").strip()
    supervisor = User.objects.filter(email__iexact=supervisor_email).first() if supervisor_email else None
    profile, _ = ResearcherProfile.objects.update_or_create(
        user=user,
        defaults={
            "organisation": values["organisation"].strip(),
            "accreditation_type": values.get("accreditation_type") or "",
            "accreditation_reference": values.get("accreditation_reference", "").strip(),
            "accreditation_valid_from": values.get("accreditation_valid_from"),
            "accreditation_valid_until": values.get("accreditation_valid_until"),
            "supervisor": supervisor,
        },
    )
    return profile


def accreditation_warning(user, today: date) -> str | None:
    """What a researcher should be told about their accreditation, if anything."""
    profile = getattr(user, "researcher_profile", None)
    if profile is None or not profile.accreditation_valid_until:
        return "Add your research accreditation to your profile. You can draft applications without it, but not submit."
    until = profile.accreditation_valid_until
    if until < today:
        return f"Your accreditation expired on {until:%-d %B %Y}. You cannot submit applications until you renew it."
    if until - today <= WARN_BEFORE_EXPIRY:
        return f"Your accreditation expires on {until:%-d %B %Y}. Renew it to keep working on your projects."
    return None


@login_required
def profile(request):
    if not has_permission(request.user, "application.list_own"):
        raise PermissionDenied
    existing = ResearcherProfile.objects.filter(user=request.user).select_related("supervisor").first()
    initial = {"full_name": request.user.full_name}
    if existing:
        initial |= {
            "organisation": existing.organisation,
            "accreditation_type": existing.accreditation_type,
            "accreditation_reference": existing.accreditation_reference,
            "accreditation_valid_from": existing.accreditation_valid_from,
            "accreditation_valid_until": existing.accreditation_valid_until,
            "supervisor_email": existing.supervisor.email if existing.supervisor else "",
        }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        update_profile(user=request.user, by=request.user, values=form.cleaned_data)
        messages.success(request, "Your profile has been saved.")
        return redirect("profile")
    check = register_selectors.check_profile(existing) if existing and existing.accreditation_reference else None
    return render(request, "pages/profile.html", {"form": form, "check": check})
