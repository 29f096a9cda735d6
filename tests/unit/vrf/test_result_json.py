"""The JSON interface is stable: exactly these keys, whatever happens."""

import json

from applications.vrf import SEVERITIES, validate_workbook

TOP_LEVEL = {"valid", "form_version", "tables", "variables", "findings"}
EXTRA_TOP_LEVEL = {"summary", "application_reference"}
TABLE_KEYS = {"dataset", "table", "requested", "justification"}
VARIABLE_KEYS = {"sheet", "table", "alias", "years"}
FINDING_KEYS = {"severity", "code", "sheet", "cell", "message"}


def assert_interface(data: dict) -> None:
    assert TOP_LEVEL <= set(data) <= TOP_LEVEL | EXTRA_TOP_LEVEL
    assert isinstance(data["valid"], bool)
    assert data["form_version"] is None or isinstance(data["form_version"], str)
    for table in data["tables"]:
        assert set(table) == TABLE_KEYS
        assert table["requested"] in ("yes", "no", "default", None)
    for variable in data["variables"]:
        assert set(variable) == VARIABLE_KEYS
    for finding in data["findings"]:
        assert set(finding) == FINDING_KEYS
        assert finding["severity"] in ("error", "warning")
        assert SEVERITIES[finding["code"]] == finding["severity"]
        assert finding["message"]
    assert data["valid"] == (not any(finding["severity"] == "error" for finding in data["findings"]))
    json.dumps(data)


def test_interface_of_a_readable_form(builder):
    builder.justify("employment", None)
    builder.tick("ks4", "KS4_REFUGEE", years="2002 to 2005")
    data = validate_workbook(builder.build()).to_dict()
    assert_interface(data)
    assert data["valid"] is False
    assert data["form_version"] == "2.3"
    assert {finding["code"] for finding in data["findings"]} >= {"missing_justification"}
    assert data["variables"][0] == {
        "sheet": "KS4_01-02_to_20-21",
        "table": "KS4 01-02 to 20-21",
        "alias": "KS4_GENDER",
        "years": "2002 to 2016",
    }


def test_interface_of_an_unreadable_file():
    data = validate_workbook(b"not a workbook").to_dict()
    assert_interface(data)
    assert data["valid"] is False
    assert data["form_version"] is None
    assert data["tables"] == data["variables"] == []
    assert len(data["findings"]) == 1
    assert data["findings"][0]["severity"] == "error"


def test_summary_counts(builder):
    builder.request("cin").tick("cin", "CIN_LA_anon")
    summary = validate_workbook(builder.build()).to_dict()["summary"]
    assert summary["tables_requested"] == 6
    assert summary["variables_requested"] == 3
    by_dataset = {item["dataset"]: item for item in summary["by_dataset"]}
    assert list(by_dataset) == ["NPD", "LILR", "HESA", "UCAS", "LEO linking", "LEO outcomes"]
    assert by_dataset["NPD"]["tables_requested"] == 2
    assert by_dataset["NPD"]["variables_requested"] == 2
    assert by_dataset["NPD"]["sensitive"] == 1
    assert by_dataset["LEO outcomes"]["tables_requested"] == 2
    by_department = {item["department"]: item for item in summary["by_department"]}
    assert list(by_department) == ["dfe", "hmrc", "dwp", "ons"]
    assert (by_department["hmrc"]["tables_requested"], by_department["dwp"]["tables_requested"]) == (1, 1)
    assert by_department["dfe"]["variables_requested"] == 3
    assert by_department["ons"]["tables_requested"] == 0
