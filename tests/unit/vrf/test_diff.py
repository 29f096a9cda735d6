"""Differences between two uploads of the form."""

import json

from applications.vrf import diff_results, more_data, validate_workbook


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


def test_more_data_names_only_what_asks_for_more(builder):
    before = validate_workbook(builder.build())
    builder.request("cin").tick("cin", "CIN_LA_anon", years="2009 to 2021")
    builder.tick("lilr", "ukprn_anon", years=None)
    builder.tick("ks4", "KS4_GENDER", years="2002 to 2021")
    builder.answer("benefit", "No")
    assert more_data(before, validate_workbook(builder.build())) == {
        "CIN 08-09 to 20-21": ["table requested", "data items added"],
        "KS4 01-02 to 20-21": ["years added"],
        "\u2018LILR_Learners_02-03_to_20-21": ["data items added"],
    }


def test_asking_for_less_is_not_more_data(builder):
    before = validate_workbook(builder.build())
    builder.untick_all("ks4").answer("ks4", "Default Variables only").answer("benefit", "No")
    less = validate_workbook(builder.build())
    assert more_data(before, less) == {}
    # And back again: the by-request items return, with the table's answer.
    assert more_data(less, before) == {
        "KS4 01-02 to 20-21": ["data items chosen beyond the default ones", "data items added"],
        "Benefit Spells table": ["table requested"],
    }


def test_fewer_years_are_not_more_data_but_every_year_is(builder):
    before = validate_workbook(builder.build())
    builder.tick("ks4", "KS4_GENDER", years="2010 to 2016")
    assert more_data(before, validate_workbook(builder.build())) == {}
    builder.tick("ks4", "KS4_GENDER", years="all years")
    assert more_data(before, validate_workbook(builder.build())) == {"KS4 01-02 to 20-21": ["years added"]}
