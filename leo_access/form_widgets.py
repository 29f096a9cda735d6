from django import forms


class DateInput(forms.DateInput):
    """A browser date picker with the GOV.UK input style; the value is ISO (YYYY-MM-DD) in the query string."""

    input_type = "date"

    def __init__(self):
        super().__init__(attrs={"class": "govuk-input govuk-input--width-10"}, format="%Y-%m-%d")
