from django import forms

from leo_access.forms import GovukForm

from .models import Preference


class PreferenceForm(GovukForm):
    submit_label = "Save preferences"
    queue_arrivals = forms.ChoiceField(
        label="How do you want to hear about applications arriving in your queue?",
        choices=Preference.QueueArrivals.choices,
        widget=forms.RadioSelect,
        help_text="Questions, decisions, declarations and reminders are always e-mailed straight away.",
        error_messages={"required": "Select how you want to hear about applications arriving in your queue"},
    )
