"""The register's search and filters, read from the query string so that every view of it has an address."""

from django import forms

from .selectors import RegisterFilters

# Far more pages than the register will ever have, and small enough that no offset overflows a query.
MAX_PAGE = 100_000


def _select(label, choices, empty, message, **kwargs):
    field_class = forms.TypedChoiceField if "coerce" in kwargs else forms.ChoiceField
    return field_class(
        label=label,
        required=False,
        choices=[("", empty), *choices],
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={"invalid_choice": message},
        **kwargs,
    )


class RegisterSearchForm(forms.Form):
    q = forms.CharField(
        label="Search",
        help_text="Reference, title, summary or organisation",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "govuk-input", "type": "search"}),
        error_messages={"max_length": "Search must be 200 characters or fewer"},
    )
    dataset = forms.ChoiceField(required=False)
    organisation = forms.ChoiceField(required=False)
    year = forms.ChoiceField(required=False)
    status = forms.ChoiceField(required=False)

    def __init__(self, data, options: dict):
        super().__init__(data)
        self.fields["dataset"] = _select(
            "Dataset", [(n, n) for n in options["datasets"]], "Any dataset", "Choose a dataset from the list"
        )
        self.fields["organisation"] = _select(
            "Organisation",
            [(n, n) for n in options["organisations"]],
            "Any organisation",
            "Choose an organisation from the list",
        )
        self.fields["year"] = _select(
            "Year accredited",
            [(str(y), str(y)) for y in options["years"]],
            "Any year",
            "Choose a year from the list",
            coerce=int,
            empty_value=None,
        )
        self.fields["status"] = _select("Status", options["statuses"], "Any status", "Choose a status from the list")

    def filters(self) -> RegisterFilters:
        """The filters asked for; call only once the form is valid."""
        data = self.cleaned_data
        return RegisterFilters(
            q=data["q"].strip(),
            dataset=data["dataset"],
            organisation=data["organisation"],
            year=data["year"],
            status=data["status"],
        )


def page_number(value: str | None) -> int:
    """The page asked for in the query string (`?page=2`), 1 when none; a clear error when it is not a page."""
    if not value:
        return 1
    if not value.isascii() or not value.isdigit():
        raise forms.ValidationError("Page must be a whole number")
    if len(value) > len(str(MAX_PAGE)) or int(value) > MAX_PAGE:
        raise forms.ValidationError("There is no such page: the register has fewer pages")
    if int(value) < 1:
        raise forms.ValidationError("Page must be 1 or more")
    return int(value)
