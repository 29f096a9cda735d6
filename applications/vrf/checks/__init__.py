"""The checks run on a form that could be read. Each module groups related checks; run_checks runs them all."""

from collections.abc import Callable, Iterable

from ..findings import Finding
from .answers import check_answers
from .catalogue import check_catalogue
from .conditions import check_conditions
from .context import Context
from .flags import check_flags
from .request import check_request
from .structure import check_structure

CHECKS: tuple[Callable[[Context], Iterable[Finding]], ...] = (
    check_structure,
    check_answers,
    check_request,
    check_catalogue,
    check_conditions,
    check_flags,
)


def run_checks(context: Context) -> list[Finding]:
    findings: list[Finding] = []
    for check in CHECKS:
        findings.extend(check(context))
    return findings


__all__ = ["Context", "run_checks"]
