"""The success banner a decision ends with: what was done, then what happens next.

Both parts travel as one message (the messages framework stores text only); `banner_parts` splits them again
for the template.
"""

from django.contrib import messages

SEPARATOR = "\n"


def confirm(request, done: str, next_steps: str = "") -> None:
    messages.success(request, f"{done}{SEPARATOR}{next_steps}" if next_steps else done)


def banner_parts(text) -> tuple[str, str]:
    done, _, next_steps = str(text).partition(SEPARATOR)
    return done, next_steps
