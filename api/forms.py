"""Input checked by the pages' own forms, so that the API refuses what the pages refuse, in the same words.

JSON dates (`"2027-04-01"`) become the GOV.UK date input's day, month and year, so that the form says a date
"must be a real date" exactly when the page would.
"""

import re
from collections.abc import Mapping

from crispy_forms_gds.fields import DateInputField
from rest_framework.exceptions import ValidationError

ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
NOT_AN_OBJECT = "Send the answers as a JSON object (or a multipart form)."


def _as_form_data(form_class, data) -> dict:
    if not isinstance(data, Mapping):
        raise ValidationError({"non_field_errors": [NOT_AN_OBJECT]})
    values = {}
    fields = form_class.base_fields
    for name in data:
        value = data.getlist(name) if hasattr(data, "getlist") and len(data.getlist(name)) > 1 else data[name]
        field = fields.get(name)
        if isinstance(field, DateInputField):
            parts = _date_parts(value)
            values |= {f"{name}_{index}": part for index, part in enumerate(parts)}
        elif value is None:
            continue
        else:
            values[name] = value
    return values


def _date_parts(value) -> tuple[str, str, str]:
    """YYYY-MM-DD as the page's day, month and year boxes; anything else as a date that does not exist."""
    if value in (None, ""):
        return "", "", ""
    match = ISO_DATE.fullmatch(str(value))
    if match is None:
        return "0", "0", "0"
    year, month, day = match.groups()
    return str(int(day)), str(int(month)), str(int(year))


def errors_of(form) -> dict:
    return {
        ("non_field_errors" if field == "__all__" else field): [str(message) for message in messages]
        for field, messages in form.errors.items()
    }


def validated(form_class, data, files=None, **kwargs):
    """The form, valid, or a 400 problem listing each field's messages."""
    form = form_class(_as_form_data(form_class, data), files, **kwargs)
    if not form.is_valid():
        raise ValidationError(errors_of(form))
    return form
