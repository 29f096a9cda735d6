from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from leo_access.forms import GovukDateField, GovukForm

from .models import IntakeItem
from .selectors import QUEUE_STATES, SORTS, QueueFilters

# Labels for the queue's "waiting for" filter, whose values are the selectors' own.
QUEUE_STATE_LABELS = {"waiting": "Us", "queried": "The applicant (queried)"}


class DecisionForm(GovukForm):
    """A stage's decision: the choices differ by stage; reasons or questions go with it."""

    submit_label = "Record decision"
    choices: list[tuple[str, str]] = []
    needs_text = {"reject": "Enter the reasons for rejecting the application", "query": "Enter the questions"}

    decision = forms.ChoiceField(
        label="What is your decision?", widget=forms.RadioSelect, error_messages={"required": "Choose a decision"}
    )
    text = forms.CharField(
        label="Reasons or questions",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Required if you reject the application or send it back with questions. "
        "The applicant will see what you write.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = self.choices
        self.helper.layout = Layout(
            Field.radios("decision", legend_size=Size.MEDIUM, legend_tag="h2"), Field.textarea("text")
        )

    def clean(self):
        cleaned = super().clean()
        message = self.needs_text.get(cleaned.get("decision"))
        if message and not (cleaned.get("text") or "").strip():
            self.add_error("text", message)
        return cleaned


class IntakeForm(DecisionForm):
    checks = forms.MultipleChoiceField(
        label="Intake checklist",
        help_text="Tick each item you have checked. Every item must be ticked before the application can pass.",
        choices=IntakeItem.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    choices = [
        ("pass", "Pass to department review"),
        ("query", "Send back to the applicant with questions"),
        ("reject", "Reject the application"),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.checkboxes("checks", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.radios("decision", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.textarea("text"),
        )


class DepartmentForm(DecisionForm):
    choices = [
        ("approved", "Approve"),
        ("rejected", "Reject"),
        ("query", "Send back to the applicant with questions"),
    ]
    needs_text = {"rejected": "Enter the reasons for rejecting the application", "query": "Enter the questions"}


class PanelForm(DecisionForm):
    """Questions or a rejection outside a meeting. Accreditation is decided at a panel meeting (see AgendaDecisionForm),
    where the quorum is checked."""

    choices = [
        ("query", "Send back to the applicant with questions"),
        ("reject", "Reject the application"),
    ]


class CloseForm(GovukForm):
    submit_label = "Close the project"
    reason = forms.CharField(
        label="Why is the project closing? (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MeetingForm(GovukForm):
    submit_label = "Create meeting"
    date = GovukDateField(label="Date of the meeting", help_text="For example, 27 3 2026")
    members_present = forms.CharField(
        label="Members present",
        help_text="One name per line. At least three members.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the members present"},
    )
    independent_members = forms.CharField(
        label="Independent members present",
        help_text="One name per line, as written above. At least one.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the independent members present"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field("date"), Field.textarea("members_present"), Field.textarea("independent_members")
        )


class AgendaDecisionForm(DecisionForm):
    choices = [
        ("accredit", "Accredit the project"),
        ("query", "Send back to the applicant with questions"),
        ("reject", "Reject the application"),
    ]
    needs_text = {"reject": "Enter the reasons for rejecting the application", "query": "Enter the questions"}
    ends_on = GovukDateField(
        label="Date accreditation ends (if accredited)",
        required=False,
        require_all_fields=False,
        help_text="For example, 31 3 2029",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = "Conditions, reasons or questions"
        self.fields[
            "text"
        ].help_text = (
            "Conditions of accreditation (optional), or the reasons for rejecting, or the questions for the applicant."
        )
        self.helper.layout = Layout(
            Field.radios("decision", legend_size=Size.MEDIUM, legend_tag="h2"), Field.textarea("text"), Field("ends_on")
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "accredit" and not cleaned.get("ends_on") and "ends_on" not in self.errors:
            self.add_error("ends_on", "Enter the date accreditation ends")
        return cleaned


class DelegatedDecisionForm(AgendaDecisionForm):
    """A delegated official's decision: accredit (the criteria are checked again as it is recorded) or refer to the
    panel with a reason."""

    choices = [("accredit", "Accredit the project"), ("refer", "Refer the application to the panel")]
    needs_text = {"refer": "Enter the reason for referring the application to the panel"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = "Conditions or reason for referral"
        self.fields[
            "text"
        ].help_text = (
            "Conditions of accreditation (optional), or why the panel should decide. The applicant will see it."
        )


class QueueFilterForm(forms.Form):
    """A queue's filters, read from the query string; a value that is no filter is named in the error summary."""

    q = forms.CharField(label="Search", required=False, max_length=200)
    state = forms.ChoiceField(
        label="Waiting for",
        required=False,
        choices=[("", "Anyone"), *((state, QUEUE_STATE_LABELS[state]) for state in QUEUE_STATES)],
    )
    dataset = forms.CharField(label="Dataset", required=False, max_length=100)
    overdue = forms.BooleanField(label="Only overdue applications", required=False)
    mine = forms.BooleanField(label="Only mine", required=False)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=[(key, sort[1]) for key, sort in SORTS.items()])

    def __init__(self, data=None):
        # The template writes the inputs with these ids, which the error summary links to.
        super().__init__(data, auto_id="%s")

    def filters(self) -> QueueFilters:
        """The valid filters; any that is not valid is left out (and shown as an error)."""
        if not self.is_bound:
            return QueueFilters()
        self.is_valid()  # cleans every field: cleaned_data holds those that are valid
        data = self.cleaned_data
        return QueueFilters(
            q=data.get("q", "").strip(),
            state=data.get("state", ""),
            dataset=data.get("dataset", ""),
            overdue=data.get("overdue", False),
            mine=data.get("mine", False),
            sort=data.get("sort") or "waiting",
        )


class AssignForm(forms.Form):
    """Whom to assign: a person's id, or nobody named for oneself."""

    assignee = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class AgendaAddForm(forms.Form):
    """The application to add to a meeting's agenda."""

    application = forms.UUIDField()
