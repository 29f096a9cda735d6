"""Forms for approval conditions: setting one, answering it with evidence, and signing it off or waiving it."""

from django import forms
from django.conf import settings

from leo_access.forms import GovukDateField, GovukForm
from leo_access.teams import Team

from .condition_evidence import ACCEPTED
from .models import ApprovalCondition


class ConditionForm(GovukForm):
    submit_label = "Add condition"
    text = forms.CharField(
        label="Condition",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the condition"},
    )
    timing = forms.ChoiceField(
        label="When must it be met?",
        choices=ApprovalCondition.Timing.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose when the condition must be met"},
    )
    owner = forms.ChoiceField(label="Who must meet it?", error_messages={"required": "Choose who must meet it"})
    due_date = GovukDateField(
        label="Due date (optional)", required=False, require_all_fields=False, help_text="For example, 31 3 2027"
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        members = [(f"member:{m.pk}", m.email) for m in application.current_members().order_by("email")]
        teams = [(f"team:{value}", label) for value, label in Team.choices]
        self.fields["owner"].choices = [("coordinator", "The project co-ordinator"), *members, *teams]
        self.fields["owner"].widget.attrs["class"] = "govuk-select"

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        owner, _, value = data["owner"].partition(":")
        return {
            "text": data["text"],
            "timing": data["timing"],
            "due_date": data["due_date"],
            "owner": owner,
            "owner_member_id": int(value) if owner == "member" else None,
            "owner_team": value if owner == "team" else "",
        }


class EvidenceForm(GovukForm):
    """A description, a document, or both; the service says which is missing and checks the document."""

    submit_label = "Submit evidence"
    evidence = forms.CharField(
        label="How is the condition met?",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    file = forms.FileField(
        label="Upload a document (optional)",
        required=False,
        error_messages={"empty": "The selected file is empty. Choose the document that shows the condition is met"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.CONDITION_EVIDENCE_MAX_BYTES // (1024 * 1024)
        self.fields[
            "file"
        ].help_text = (
            f"{ACCEPTED[0].upper()}{ACCEPTED[1:]}, no larger than {limit} MB. A new document replaces one sent before."
        )


class ConditionDecisionForm(GovukForm):
    submit_label = "Record decision"
    decision = forms.ChoiceField(
        label="Is the condition met?",
        choices=[("met", "Met: sign it off"), ("waived", "Waive it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the condition is met or waived"},
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required to waive a condition. The applicant team sees it.",
    )
