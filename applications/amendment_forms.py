"""The forms of an amendment's pages: what the co-ordinator asks to change, their answers, staff decisions."""

from django import forms

from leo_access.forms import GovukDateField, GovukForm

from .amendments.versions import PURPOSE_FIELDS
from .models import Amendment, AmendmentReview, TeamMember


class AmendmentForm(GovukForm):
    submit_label = "Save the amendment"
    summary = forms.CharField(
        label="Why is the change needed?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the change is needed"},
    )
    add_email = forms.EmailField(
        label="Add a researcher (optional)",
        help_text="Their e-mail address. They need an account with their accreditation recorded.",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an e-mail address in the correct format, like name@example.org"},
    )
    remove_member = forms.ChoiceField(label="Remove a member (optional)", required=False)
    new_coordinator = forms.ChoiceField(label="Hand the co-ordinator role to (optional)", required=False)
    title = forms.CharField(label=PURPOSE_FIELDS["title"], max_length=250)
    lay_summary = forms.CharField(label=PURPOSE_FIELDS["lay_summary"], widget=forms.Textarea(attrs={"rows": 4}))
    public_benefit_statement = forms.CharField(
        label=PURPOSE_FIELDS["public_benefit_statement"], widget=forms.Textarea(attrs={"rows": 4})
    )
    dissemination_plan = forms.CharField(
        label=PURPOSE_FIELDS["dissemination_plan"], widget=forms.Textarea(attrs={"rows": 4})
    )
    new_end_date = GovukDateField(
        label="New end date (optional)",
        required=False,
        require_all_fields=False,
        help_text="Only to extend the project, for example 31 3 2029",
    )
    new_form = forms.FileField(
        label="A new Variable Request Form (optional)",
        required=False,
        help_text="The whole form as the project should now have it, as an Excel .xlsx file",
    )

    def __init__(self, *args, application, amendment: Amendment, **kwargs):
        members = application.current_members().exclude(role=TeamMember.Role.COORDINATOR).order_by("email")
        initial = {
            "summary": amendment.summary,
            "add_email": amendment.add_email,
            "remove_member": amendment.remove_member_id or "",
            "new_coordinator": amendment.new_coordinator_id or "",
            "new_end_date": amendment.new_end_date,
            **{name: getattr(application, name) for name in PURPOSE_FIELDS},
            **{name: change["to"] for name, change in amendment.proposed.items()},
        }
        super().__init__(*args, initial=initial, **kwargs)
        choices = [("", "Nobody"), *((str(member.pk), member.email) for member in members)]
        for name in ("remove_member", "new_coordinator"):
            self.fields[name].choices = choices
            self.fields[name].widget.attrs["class"] = "govuk-select"
        self.fields["new_form"].widget.attrs["accept"] = ".xlsx"

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "summary": data["summary"],
            "add_email": data["add_email"],
            "remove_member_id": int(data["remove_member"]) if data["remove_member"] else None,
            "new_coordinator_id": int(data["new_coordinator"]) if data["new_coordinator"] else None,
            "proposed": {name: data[name] for name in PURPOSE_FIELDS},
            "new_end_date": data["new_end_date"],
        }


class AnswerForm(GovukForm):
    submit_label = "Send the answers"
    answers = forms.CharField(
        label="Your answers",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Answer the questions"},
    )


class DecisionForm(GovukForm):
    """The RAS's, the panel's or a delegated official's decision; the RAS also triages a purpose change."""

    submit_label = "Record the decision"
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("approve", "Approve"), ("query", "Ask the co-ordinator questions"), ("reject", "Refuse")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a decision"},
    )
    triage = forms.ChoiceField(
        label="Is the change of purpose or outputs minor or material?",
        choices=Amendment.Triage.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    reasons = forms.CharField(
        label="Reasons or questions",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed to refuse or to ask questions",
    )

    def __init__(self, *args, triage: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not triage:
            del self.fields["triage"]


class DepartmentDecisionForm(GovukForm):
    submit_label = "Record your department's decision"
    decision = forms.ChoiceField(
        label="Decision on your department's data",
        choices=[
            (AmendmentReview.Decision.APPROVED, "Approve"),
            (AmendmentReview.Decision.REJECTED, "Refuse"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a decision"},
    )
    reasons = forms.CharField(
        label="Reasons",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed to refuse",
    )
