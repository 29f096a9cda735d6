from django import forms

from ..forms import FilterDateField
from .models import AuditKind


class AuditFilterForm(forms.Form):
    """Read from the query string, so every search has its own address (and its export the same filters)."""

    user = forms.CharField(
        label="Person (e-mail address or part of it)",
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"class": "govuk-input", "spellcheck": "false"}),
    )
    application = forms.CharField(
        label="Application reference",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10", "spellcheck": "false"}),
    )
    kind = forms.ChoiceField(
        label="What happened",
        required=False,
        choices=[("", "Anything"), *AuditKind.choices],
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    date_from = FilterDateField(label="From (inclusive)")
    date_to = FilterDateField(label="To (inclusive)")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be the same as or after the start date.")
        return cleaned
