"""One form per task-list section. Each can be saved part-done: only formats are checked here;
whether a section is complete is judged by `selectors.section_statuses`."""

import re

from crispy_forms_gds.layout import ConditionalQuestion, ConditionalRadios, Field, Layout, Size
from django import forms

from leo_access.forms import GovukDateField, GovukForm

from .ethics import ITEMS, PRINCIPLES, RISK_LEVELS
from .rules import Section
from .sections import ETHICS_COMMITTEE_FIELDS, ETHICS_ROUTE_FIELDS, SECTION_FIELDS

LAY_SUMMARY_WORDS = 300
LONG_TEXT = 10000

PUBLIC_BENEFIT_CATEGORIES = [
    ("public_policy", "Provide an evidence base for public policy decisions"),
    ("public_services", "Provide an evidence base for public service delivery"),
    ("economy_society", "Provide an evidence base for decisions likely to benefit the UK economy, society or quality "
     "of life"),
    ("replicate", "Replicate, validate or challenge existing research or official statistics"),
    ("understanding_trends", "Significantly extend understanding of social or economic trends or events"),
    ("improve_statistics", "Improve the quality, coverage or presentation of existing research or statistics"),
]  # fmt: skip


def words(text: str) -> int:
    return len(re.findall(r"\S+", text or ""))


def long_text(label, help_text="", rows=5, max_length=LONG_TEXT):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": f"{label} must be {max_length:,} characters or fewer"},
    )


def date_field(label, help_text):
    return GovukDateField(label=label, help_text=help_text, required=False, require_all_fields=False)


class SectionForm(GovukForm):
    submit_label = "Save and continue"
    fields_saved: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.inputs = []

    def values(self) -> dict:
        """What to store on the application."""
        return {name: self.cleaned_data[name] for name in self.fields_saved}


class ProjectForm(SectionForm):
    fields_saved = SECTION_FIELDS[Section.PROJECT]
    title = forms.CharField(
        label="Project title",
        max_length=250,
        error_messages={
            "required": "Enter the project title",
            "max_length": "Project title must be 250 characters or fewer",
        },
    )
    lay_summary = long_text(
        "Lay summary", f"Explain the project to a member of the public in {LAY_SUMMARY_WORDS} words or fewer.", 6
    )
    abstract = long_text("Abstract")
    research_questions = long_text("Research questions", "List each question the data will answer.")
    methodology = long_text("Methodology", "How you will analyse the data.")
    software = long_text("Software", "The software you will use in the Secure Research Service.", 2, 2000)
    start_date = date_field("Project start date", "For example, 1 4 2027")
    end_date = date_field("Project end date", "For example, 31 3 2030")
    funder = forms.CharField(
        label="Funder",
        required=False,
        max_length=250,
        help_text="Who funds the project, or ‘None’.",
        error_messages={"max_length": "Funder must be 250 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.text("title"),
            Field.textarea("lay_summary", max_words=LAY_SUMMARY_WORDS),
            Field.textarea("abstract"),
            Field.textarea("research_questions"),
            Field.textarea("methodology"),
            Field.textarea("software"),
            Field("start_date"),
            Field("end_date"),
            Field.text("funder"),
        )

    def clean_lay_summary(self):
        text = self.cleaned_data["lay_summary"]
        if words(text) > LAY_SUMMARY_WORDS:
            raise forms.ValidationError(f"Lay summary must be {LAY_SUMMARY_WORDS} words or fewer")
        return text

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", "Project end date must be after the start date")
        return cleaned


class PublicBenefitForm(SectionForm):
    fields_saved = SECTION_FIELDS[Section.PUBLIC_BENEFIT]
    public_benefit_categories = forms.MultipleChoiceField(
        label="What will the research provide evidence for?",
        help_text="Select all that apply. These are the purposes in the Digital Economy Act research code.",
        choices=PUBLIC_BENEFIT_CATEGORIES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    public_benefit_statement = long_text("How will the public benefit?", "Explain the benefit in plain English.")
    dissemination_plan = long_text(
        "How will you make the results public?", "For example, reports, journal articles or policy briefings."
    )
    publication_committed = forms.BooleanField(
        label="I commit to publishing the results of this research", required=False
    )
    register_names_consent = forms.BooleanField(
        label="Name the project's researchers on the public register of projects",
        help_text="Once the project is accredited, the public register lists it with its organisations. It names "
        "the researchers only if you tick this, having agreed it with your team.",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.checkboxes("public_benefit_categories", legend_size=Size.MEDIUM),
            Field.textarea("public_benefit_statement"),
            Field.textarea("dissemination_plan"),
            Field.checkbox("publication_committed"),
            Field.checkbox("register_names_consent"),
        )


class EthicsRouteForm(SectionForm):
    fields_saved = ETHICS_ROUTE_FIELDS
    ethics_route = forms.ChoiceField(
        label="How will you show the project is ethical?",
        choices=[
            ("self_assessment", "Complete the UK Statistics Authority ethics self-assessment"),
            ("committee", "Give the approval of another ethics committee"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you will show the project is ethical"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field.radios("ethics_route", legend_size=Size.LARGE, legend_tag="h1"))


class SelfAssessmentForm(SectionForm):
    """For each numbered item: a risk rating and a justification."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        layout = []
        for item in ITEMS:
            self.fields[f"risk_{item.number}"] = forms.ChoiceField(
                label=f"{item.number}. {item.question}",
                help_text=f"Principle {item.principle}: {PRINCIPLES[item.principle]}",
                choices=RISK_LEVELS,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"justification_{item.number}"] = forms.CharField(
                label=f"Why is item {item.number} this level of risk?",
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"max_length": "Justification must be 5,000 characters or fewer"},
            )
            layout += [
                Field.radios(f"risk_{item.number}", legend_size=Size.SMALL, inline=True),
                Field.textarea(f"justification_{item.number}"),
            ]
        self.helper.layout = Layout(*layout)

    def values(self) -> dict:
        answers = {
            str(item.number): {
                "risk": self.cleaned_data.get(f"risk_{item.number}") or "",
                "justification": self.cleaned_data.get(f"justification_{item.number}") or "",
            }
            for item in ITEMS
        }
        return {"ethics_self_assessment": answers}

    @staticmethod
    def initial_from(answers: dict) -> dict:
        initial = {}
        for item in ITEMS:
            answer = (answers or {}).get(str(item.number)) or {}
            initial[f"risk_{item.number}"] = answer.get("risk", "")
            initial[f"justification_{item.number}"] = answer.get("justification", "")
        return initial


class CommitteeForm(SectionForm):
    fields_saved = ETHICS_COMMITTEE_FIELDS
    ethics_committee_name = forms.CharField(label="Name of the ethics committee", required=False, max_length=250)
    ethics_committee_reference = forms.CharField(label="The committee's reference", required=False, max_length=100)
    ethics_approval_date = date_field("Date of approval", "For example, 14 2 2026")
    ethics_approval_letter = forms.FileField(
        label="Upload the approval letter",
        help_text="A PDF, no larger than 10 MB. Leave empty to keep the letter already uploaded.",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.text("ethics_committee_name"),
            Field.text("ethics_committee_reference", field_width=20),
            Field("ethics_approval_date"),
            Field("ethics_approval_letter"),
        )

    def clean_ethics_approval_letter(self):
        letter = self.cleaned_data.get("ethics_approval_letter")
        if not letter:
            return None
        if letter.size > 10 * 1024 * 1024:
            raise forms.ValidationError("The approval letter must be smaller than 10 MB")
        if not letter.read(5).startswith(b"%PDF-"):
            raise forms.ValidationError("The approval letter must be a PDF")
        letter.seek(0)
        return letter

    def values(self) -> dict:
        values = super().values()
        if self.cleaned_data.get("ethics_approval_letter"):
            values["ethics_approval_letter"] = self.cleaned_data["ethics_approval_letter"]
        return values


class SafeguardsForm(SectionForm):
    fields_saved = SECTION_FIELDS[Section.SAFEGUARDS]
    access_location = forms.ChoiceField(
        label="Where will the data be used?",
        help_text="LEO data can only be used inside the Secure Research Service: never at home and never on paper.",
        choices=[
            ("ons_safe_setting", "In an ONS safe setting"),
            ("aoc_organisation", "At an organisation with an Assured Organisational Connectivity agreement"),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    aoc_organisation = forms.CharField(
        label="Organisation with the connectivity agreement", required=False, max_length=250
    )
    output_checking = long_text(
        "How will outputs be checked before release?",
        "Under the Five Safes, every output is checked so that no one can be identified. Say how you will meet the "
        "threshold of 10 observations and the service's disclosure checks.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The organisation is asked for only under the choice that needs it; without JavaScript it shows anyway.
        self.helper.layout = Layout(
            ConditionalRadios(
                "access_location",
                "In an ONS safe setting",
                ConditionalQuestion(
                    "At an organisation with an Assured Organisational Connectivity agreement", "aoc_organisation"
                ),
            ),
            Field.textarea("output_checking"),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("access_location") == "aoc_organisation" and not cleaned.get("aoc_organisation", "").strip():
            self.add_error("aoc_organisation", "Enter the organisation with the connectivity agreement")
        return cleaned
