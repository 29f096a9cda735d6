"""Form bases and fields shared by every app: GOV.UK rendering, and dates that are always within range.

A date outside EARLIEST..LATEST is refused as a field error, so that no form or filter hands a date to a query
or to date arithmetic (a day added to 31 December 9999) that would fail with a server error.
"""

from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size, Submit
from django import forms

EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 12, 31)


class GovukForm(forms.Form):
    """A form rendered with GOV.UK components; the page shows its error summary."""

    submit_label = "Continue"
    # "govuk-button--warning" for an action that cannot be undone, asked on its own confirmation page.
    submit_class = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        # Fieldset legends (dates, radios, checkboxes) as bold as the labels of single fields.
        self.helper.legend_size = Size.SMALL
        self.helper.add_input(Submit("submit", self.submit_label, css_class=self.submit_class))


class GovukDateField(DateInputField):
    """The GOV.UK date input (day, month, year), saying in plain words when a date does not exist."""

    def compress(self, data_list):
        try:
            value = super().compress(data_list)
        except (forms.ValidationError, OverflowError):
            value = False
        if value is False or (value and not EARLIEST <= value <= LATEST):
            raise forms.ValidationError(f"{self.label} must be a real date", code="invalid")
        return value


class DateInput(forms.DateInput):
    """A browser date picker with the GOV.UK input style; the value is ISO (YYYY-MM-DD) in the query string."""

    input_type = "date"

    def __init__(self):
        super().__init__(attrs={"class": "govuk-input govuk-input--width-10"}, format="%Y-%m-%d")


class FilterDateField(forms.DateField):
    """A date in a filter's query string (`?end=2026-03-31`), refused outside the years the service covers."""

    widget = DateInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            parsed = super().to_python(value)
        except OverflowError:
            parsed = False
        if parsed is False or (parsed and not EARLIEST <= parsed <= LATEST):
            raise forms.ValidationError(
                f"{self.label or 'The date'} must be a real date between {EARLIEST.year} and {LATEST.year}",
                code="invalid",
            )
        return parsed
