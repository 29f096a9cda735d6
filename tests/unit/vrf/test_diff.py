"""Differences between two uploads of the form."""

import json

from applications.vrf import diff_results, validate_workbook


def test_diff_between_two_uploads(builder):
    before = validate_workbook(builder.build())
    builder.request("cin").tick("cin", "CIN_LA_anon", years="2009 to 2021")
    builder.untick_all("ks4").answer("ks4", "Default Variables only")
    builder.answer("benefit", "No")
    builder.tick("lilr", "ukprn_anon", years=None)
    after = validate_workbook(builder.build())
    stored_before = json.loads(json.dumps(before.to_dict()))
    for old in (before, stored_before):
        diff = diff_results(old, after)
        assert diff["tables_added"] == ["CIN 08-09 to 20-21"]
        assert diff["tables_removed"] == ["Benefit Spells table"]
        assert diff["tables_changed"] == [{"table": "KS4 01-02 to 20-21", "before": "yes", "after": "default"}]
        assert [(item["table"], item["alias"]) for item in diff["variables_added"]] == [
            ("CIN 08-09 to 20-21", "CIN_LA_anon"),
            ("\u2018LILR_Learners_02-03_to_20-21", "ukprn_anon"),
        ]
        assert [(item["table"], item["alias"]) for item in diff["variables_removed"]] == [
            ("KS4 01-02 to 20-21", "KS4_GENDER")
        ]
        assert diff["years_changed"] == []


def test_years_changed(builder):
    before = validate_workbook(builder.build())
    builder.tick("ks4", "KS4_GENDER", years="2010 to 2016")
    diff = diff_results(before, validate_workbook(builder.build()))
    assert diff["years_changed"] == [
        {
            "sheet": "KS4_01-02_to_20-21",
            "table": "KS4 01-02 to 20-21",
            "alias": "KS4_GENDER",
            "years": "2010 to 2016",
            "before": "2002 to 2016",
        }
    ]
    assert diff["variables_added"] == diff["variables_removed"] == []


def test_no_difference(builder):
    result = validate_workbook(builder.build())
    assert all(value == [] for value in diff_results(result, result).values())
