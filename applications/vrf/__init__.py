"""Reading and checking LEO Variable Request Forms (VRF): pure Python, no Django.

    validate_workbook(data, catalogue_for_version=..., max_bytes=...) -> ValidationResult   (never raises)
    extract_catalogue(data) -> Catalogue                                                     (raises CatalogueError)
    write_template(catalogue, reference=..., form_version=...) -> bytes
    summarise(result) -> dict;  diff_results(before, after) -> dict;  more_data(before, after) -> dict

See README.md in this folder for the finding codes and the decisions behind the checks.
"""

from .catalogue import Catalogue, CatalogueError, Dataset, Table, Variable, extract_catalogue
from .diff import diff_results, more_data
from .findings import ERROR, SEVERITIES, WARNING, Finding
from .result import TableRequest, ValidationResult, VariableRequest
from .safety import Limits
from .summary import summarise
from .template import write_template
from .validate import validate_workbook

DEFAULT_MAX_BYTES = Limits.max_bytes

__all__ = [
    "DEFAULT_MAX_BYTES",
    "ERROR",
    "SEVERITIES",
    "WARNING",
    "Catalogue",
    "CatalogueError",
    "Dataset",
    "Finding",
    "Limits",
    "Table",
    "TableRequest",
    "ValidationResult",
    "Variable",
    "VariableRequest",
    "diff_results",
    "extract_catalogue",
    "more_data",
    "summarise",
    "validate_workbook",
    "write_template",
]
