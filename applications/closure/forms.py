"""The forms of closure: closing early, one output, and the return itself."""

from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from leo_access.forms import GovukDateField, GovukForm

from ..models import ProjectOutput


class CloseEarlyForm(GovukForm):
    submit_label = "Close the project now"
    submit_class = "govuk-button--warning"
    reason = forms.CharField(
        label="Why is the project closing before its end date?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the project is closing early"},
    )


class _Part(GovukForm):
    """Part of the closure return page, whose buttons the page sets (one form element, several actions)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.inputs = []


class OutputForm(_Part):
    title = forms.CharField(label="Title", max_length=500, error_messages={"required": "Enter the output's title"})
    kind = forms.ChoiceField(
        label="Type",
        choices=[("", "Choose a type"), *ProjectOutput.Kind.choices],
        error_messages={"required": "Choose the type of output", "invalid_choice": "Choose the type of output"},
    )
    published_on = GovukDateField(
        label="Date published or presented",
        help_text="For example, 27 3 2027",
        require_all_fields=False,
    )
    link = forms.CharField(
        label="DOI or web address",
        help_text="A DOI such as 10.1234/abcd.5678, or the full address starting https://",
        max_length=500,
        error_messages={"required": "Enter the output's DOI or web address"},
    )
    output_checked = forms.TypedChoiceField(
        label="Was the output checked by the Secure Research Service before release?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the output was checked before release"},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "output")
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.text("title"),
            Field.select("kind"),
            Field("published_on"),
            Field.text("link"),
            Field.radios("output_checked", legend_size=Size.SMALL, inline=True),
        )

    def clean_link(self):
        link = self.cleaned_data["link"].strip()
        if link.lower().startswith(("https://doi.org/", "http://doi.org/", "doi:")):
            link = link.split("doi.org/", 1)[-1] if "doi.org/" in link else link[4:].strip()
        if link.startswith("10.") and "/" in link:
            return link
        if link.startswith(("https://", "http://")) and "." in link.split("//", 1)[1]:
            return link
        raise forms.ValidationError("Enter a DOI starting 10. or a web address starting https://")

    def is_blank(self) -> bool:
        """Nothing typed into any of the output's fields (the return can be sent without adding one)."""
        return not any((value or "").strip() for key, value in self.data.items() if key.startswith("output-"))


class ReturnForm(_Part):
    final_report = forms.CharField(
        label="Final report",
        help_text="In a few paragraphs: what the project did, what it found, and anything that did not go as "
        "planned. It is kept with the project's record.",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter the final report"},
    )
    materials_destroyed = forms.BooleanField(
        label="I confirm that any pre-publication material from this project held outside the Secure Research "
        "Service has been destroyed",
        error_messages={
            "required": "Confirm that pre-publication material held outside the secure service has been destroyed"
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "return")
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field.textarea("final_report"), Field.checkbox("materials_destroyed"))
