from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from leo_access.forms import GovukForm


class NewApplicationForm(GovukForm):
    submit_label = "Start application"
    title = forms.CharField(
        label="What is the title of your project?",
        max_length=250,
        help_text="Use the title you will publish under. You can change it later.",
        error_messages={"required": "Enter the title of your project"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field.text("title", label_size=Size.LARGE, label_tag="h1"))


class WithdrawForm(GovukForm):
    submit_label = "Withdraw application"
    submit_class = "govuk-button--warning"
    reason = forms.CharField(
        label="Why are you withdrawing the application? (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ResubmitForm(GovukForm):
    submit_label = "Resubmit application"
    answers = forms.CharField(
        label="Your answers",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Answer each question. If you changed the application, say what you changed.",
        error_messages={"required": "Enter your answers to the questions"},
    )


class VariableRequestUploadForm(GovukForm):
    submit_label = "Upload form"
    file = forms.FileField(
        label="Upload your completed Variable Request Form",
        help_text="An Excel workbook (.xlsx) in the official layout.",
        error_messages={
            "required": "Select the completed Variable Request Form",
            "empty": "The selected file is empty",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field("file"))
