"""A reviewer's overview of a result: what is requested per dataset and per department, and what is flagged."""

from .checks.flags import high_risk, sensitive
from .tables import DEPARTMENTS


def summarise(result) -> dict:
    """Counts per dataset (NPD, LILR, HESA, UCAS, LEO linking, LEO outcomes) and per department (dfe, hmrc, dwp,
    ons), in a fixed order, with the flagged variables listed."""
    datasets: dict[str, dict] = {}
    departments = {department: _counts() for department in DEPARTMENTS}
    for table in result.tables:
        if table.dataset_group is None:
            continue
        counts = datasets.setdefault(table.dataset_group, _counts())
        if table.requested in ("yes", "default"):
            counts["tables_requested"] += 1
            if table.department in departments:
                departments[table.department]["tables_requested"] += 1
    flagged = {"high_identification_risk": [], "sensitive": []}
    # Every requested item by its score and its category ("unknown" for none), for criteria set elsewhere
    # (delegated accreditation's threshold and excluded categories).
    by_risk: dict[str, int] = {}
    by_sensitivity: dict[str, int] = {}
    for variable in result.variables:
        risk = str(variable.identification_risk) if variable.identification_risk is not None else "unknown"
        by_risk[risk] = by_risk.get(risk, 0) + 1
        category = variable.sensitivity or "unknown"
        by_sensitivity[category] = by_sensitivity.get(category, 0) + 1
        groups = [datasets.setdefault(variable.dataset_group or "Unknown", _counts())]
        if variable.department in departments:
            groups.append(departments[variable.department])
        for counts in groups:
            counts["variables_requested"] += 1
            counts["high_identification_risk"] += high_risk(variable)
            counts["sensitive"] += sensitive(variable)
        entry = {
            "sheet": variable.sheet,
            "table": variable.table,
            "alias": variable.alias,
            "cell": variable.cell,
            "identification_risk": variable.identification_risk,
            "sensitivity": variable.sensitivity,
        }
        if high_risk(variable):
            flagged["high_identification_risk"].append(entry)
        if sensitive(variable):
            flagged["sensitive"].append(entry)
    return {
        "tables_requested": sum(table.requested in ("yes", "default") for table in result.tables),
        "variables_requested": len(result.variables),
        "errors": len(result.errors),
        "warnings": len(result.warnings),
        "by_dataset": [{"dataset": name, **counts} for name, counts in datasets.items()],
        "by_department": [{"department": name, **counts} for name, counts in departments.items()],
        "flagged": flagged,
        "by_identification_risk": dict(sorted(by_risk.items())),
        "by_sensitivity": dict(sorted(by_sensitivity.items())),
    }


def _counts() -> dict:
    return {"tables_requested": 0, "variables_requested": 0, "high_identification_risk": 0, "sensitive": 0}
