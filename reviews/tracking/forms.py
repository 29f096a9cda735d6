"""Filters for the tracking pages. They read the query string, so every filtered list has its own address."""

from django import forms

from applications.models import DepartmentReview
from applications.states import SUBMITTED_STATES
from leo_access.forms import FilterDateField
from leo_access.roles import Department

from . import selectors


def _date(label):
    return FilterDateField(label=label)


def _text(label):
    return forms.CharField(
        label=label, required=False, max_length=100, widget=forms.TextInput(attrs={"class": "govuk-input"})
    )


def _select(label, choices, empty):
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[("", empty), *choices],
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )


class PeriodForm(forms.Form):
    start = _date("From")
    end = _date("To")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The end of the period must be on or after its start.")
        return data

    def period(self) -> selectors.Period:
        default = selectors.Period.last_months(12)
        if not self.is_valid():
            return default
        return selectors.Period(self.cleaned_data["start"] or default.start, self.cleaned_data["end"] or default.end)


class ApplicationFilterForm(forms.Form):
    q = _text("Search reference, title, co-ordinator or organisation")
    state = _select("State", [(state.value, state.label) for state in SUBMITTED_STATES], "Any state")
    department = _select("Department", Department.choices, "Any department")
    decision = _select("Department's decision", DepartmentReview.Decision.choices, "Any decision")
    overdue = forms.BooleanField(
        label="Only overdue applications",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )
    submitted_from = _date("Submitted from")
    submitted_to = _date("Submitted to")

    def filters(self) -> selectors.ApplicationFilters:
        if not self.is_valid():
            return selectors.ApplicationFilters()
        data = self.cleaned_data
        return selectors.ApplicationFilters(
            q=data["q"].strip(),
            state=data["state"],
            department=data["department"],
            decision=data["decision"] if data["department"] else "",
            overdue=data["overdue"],
            submitted_from=data["submitted_from"],
            submitted_to=data["submitted_to"],
        )


class RegisterFilterForm(forms.Form):
    q = _text("Search reference, title, co-ordinator or organisation")
    dataset = forms.ChoiceField(label="Dataset", required=False, widget=forms.Select(attrs={"class": "govuk-select"}))
    organisation = forms.ChoiceField(
        label="Organisation", required=False, widget=forms.Select(attrs={"class": "govuk-select"})
    )
    state = _select("State", [(state.value, state.label) for state in selectors.REGISTER_STATES], "Any state")
    flag = _select(
        "Flag",
        [("ending_soon", "Ends within 90 days"), ("past_end", "Past its end date and not closed")],
        "Any project",
    )
    accredited_from = _date("Accredited from")
    accredited_to = _date("Accredited to")
    ends_from = _date("Project ends from")
    ends_to = _date("Project ends to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].choices = [("", "Any dataset")] + [(n, n) for n in selectors.dataset_names()]
        self.fields["organisation"].choices = [("", "Any organisation")] + [(n, n) for n in selectors.organisations()]

    def filters(self) -> selectors.RegisterFilters:
        if not self.is_valid():
            return selectors.RegisterFilters()
        data = self.cleaned_data
        return selectors.RegisterFilters(
            q=data["q"].strip(),
            dataset=data["dataset"],
            organisation=data["organisation"],
            state=data["state"],
            flag=data["flag"],
            accredited_from=data["accredited_from"],
            accredited_to=data["accredited_to"],
            ends_from=data["ends_from"],
            ends_to=data["ends_to"],
        )


def filter_data(form: forms.Form) -> dict[str, str]:
    """The submitted filter values that are set, as plain strings (for a query string or an export)."""
    return {name: form.data.get(name) for name in form.fields if form.data.get(name)}
