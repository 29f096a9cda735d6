import json as _json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from applications.vrf import validate_workbook
from applications.vrf_catalogue import catalogue_for_version


class Command(BaseCommand):
    help = (
        "Validate a Variable Request Form as an upload would be validated. Prints the findings and the request; "
        "exits with status 1 when there are errors."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The Variable Request Form to check (.xlsx).")
        parser.add_argument("--json", action="store_true", help="Print one JSON object (the stable interface).")

    def handle(self, *args, path, **options):
        source = Path(path)
        try:
            data = source.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {source}: {error.strerror}.") from error
        result = validate_workbook(
            data, catalogue_for_version=catalogue_for_version, max_bytes=settings.VRF_MAX_BYTES
        ).to_dict()
        if options["json"]:
            self.stdout.write(_json.dumps(result, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(_text(result))
        if not result["valid"]:
            raise SystemExit(1)


def _text(result: dict) -> str:
    lines = [f"Form version: {result['form_version'] or 'not found'}", ""]
    requested = [t for t in result["tables"] if t["requested"] in ("yes", "default")]
    lines.append(f"Tables requested ({len(requested)} of {len(result['tables'])}):")
    for table in requested:
        justification = "justified" if (table["justification"] or "").strip() else "NO JUSTIFICATION"
        extent = " (default variables only)" if table["requested"] == "default" else ""
        lines.append(f"  {table['dataset']}: {table['table']}{extent} [{justification}]")
    lines.append("")
    lines.append(f"Variables requested: {len(result['variables'])}")
    by_table: dict[str, int] = {}
    for variable in result["variables"]:
        by_table[variable["table"]] = by_table.get(variable["table"], 0) + 1
    lines += [f"  {table}: {count}" for table, count in by_table.items()]
    lines.append("")
    errors = [f for f in result["findings"] if f["severity"] == "error"]
    warnings = [f for f in result["findings"] if f["severity"] == "warning"]
    lines.append(f"Findings: {len(errors)} error(s), {len(warnings)} warning(s)")
    for finding in errors + warnings:
        where = f"{finding['sheet']}!{finding['cell']}" if finding["cell"] else (finding["sheet"] or "file")
        lines.append(f"  {finding['severity'].upper():7} {finding['code']} at {where}: {finding['message']}")
    lines.append("")
    lines.append("VALID" if result["valid"] else "NOT VALID")
    return "\n".join(lines)
