"""The access list's filters and the form that suspends, reinstates or ends one member's access."""

from django import forms

from applications.member_access.selectors import AccessFilters
from applications.models import MemberAccess
from leo_access.forms import FilterDateField, GovukForm


class AccessFilterForm(forms.Form):
    q = forms.CharField(
        label="Search project reference or title, member name or e-mail address",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *MemberAccess.Status.choices],
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    organisation = forms.CharField(
        label="Organisation", required=False, max_length=100, widget=forms.TextInput(attrs={"class": "govuk-input"})
    )
    ends_before = FilterDateField(label="Access ends on or before")

    def filters(self) -> AccessFilters:
        if not self.is_valid():
            return AccessFilters()
        data = self.cleaned_data
        return AccessFilters(
            q=data["q"].strip(),
            status=data["status"],
            organisation=data["organisation"].strip(),
            ends_before=data["ends_before"],
        )

    def query(self) -> dict:
        """The valid filters that were given, for links that keep them."""
        if not self.is_valid():
            return {}
        return {name: str(value) for name, value in self.cleaned_data.items() if value}


ACTIONS = {
    MemberAccess.Status.ACTIVE: [("suspend", "Suspend access"), ("end", "End access: they have left the team")],
    MemberAccess.Status.SUSPENDED: [("reinstate", "Reinstate access"), ("end", "End access: they have left the team")],
}


class AccessActionForm(GovukForm):
    submit_label = "Save"
    action = forms.ChoiceField(
        label="What do you want to do?", widget=forms.RadioSelect, error_messages={"required": "Choose what to do"}
    )
    reason = forms.CharField(
        label="Reason",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The co-ordinator and the member are told this reason.",
        error_messages={"required": "Enter the reason"},
    )

    def __init__(self, *args, status: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = ACTIONS.get(status, [])
