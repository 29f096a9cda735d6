"""Reading the register of accredited researchers, and comparing a researcher's stated accreditation with it."""

import io
from datetime import date, datetime

import openpyxl
import pytest

from leo_access.accredited_researchers.matching import Listed, Result, Stated, compare, normalise_name
from leo_access.accredited_researchers.reading import RegisterFileError, read_register


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(text: str) -> bytes:
    return text.strip().encode()


def test_headings_are_matched_ignoring_case_and_spaces_below_a_title_row():
    content = xlsx(
        [
            ["Accredited researchers, published 1 December 2026"],
            ["ACCREDITATION  NUMBER", "name", "Accreditation Type", "expiry date", " Organisation "],
            ["dea-0001 ", "Zoë  O'Brien", "Full", datetime(2029, 8, 31), "University of Example"],
            [None, None, None, None, None],
            ["DEA-0002", "Sam Lee", "provisional", "30/06/2027", "Institute of Things"],
        ]
    )
    rows = read_register(content, "register.xlsx")
    assert [(r.number, r.name, r.accreditation_type, r.expiry, r.organisation) for r in rows] == [
        ("DEA-0001", "Zoë O'Brien", "full", date(2029, 8, 31), "University of Example"),
        ("DEA-0002", "Sam Lee", "provisional", date(2027, 6, 30), "Institute of Things"),
    ]


def test_first_name_and_surname_and_valid_until_in_a_csv():
    content = csv_bytes(
        """
Accreditation number,First name,Surname,Accreditation type,Valid until,Organisation
A1,Jane,Smith,Full,2030-01-31,Uni
"""
    )
    (row,) = read_register(content, "register.csv")
    assert (row.name, row.expiry) == ("Jane Smith", date(2030, 1, 31))


@pytest.mark.parametrize(
    ("drop", "named"),
    [
        ("Accreditation number", "Accreditation number"),
        ("Name", "Name (or First name and Surname)"),
        ("Accreditation type", "Accreditation type"),
        ("Expiry date", "Expiry date"),
        ("Organisation", "Organisation"),
    ],
)
def test_a_missing_column_is_named(drop, named):
    headings = ["Accreditation number", "Name", "Accreditation type", "Expiry date", "Organisation"]
    values = ["A1", "Jane Smith", "Full", "2030-01-31", "Uni"]
    kept = [i for i, heading in enumerate(headings) if heading != drop]
    content = xlsx([[headings[i] for i in kept], [values[i] for i in kept]])
    with pytest.raises(RegisterFileError) as error:
        read_register(content, "register.xlsx")
    assert named in str(error.value)
    assert "no column headed" in str(error.value)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("A1,Jane Smith,Honorary,2030-01-31,Uni", "Row 2: the accreditation type must be Full or Provisional"),
        ("A1,Jane Smith,Full,next year,Uni", "Row 2: the expiry date “next year” is not a date"),
        (",Jane Smith,Full,2030-01-31,Uni", "Row 2 has no accreditation number"),
    ],
)
def test_a_bad_row_is_refused_with_its_number(row, message):
    content = csv_bytes(f"Accreditation number,Name,Accreditation type,Expiry date,Organisation\n{row}")
    with pytest.raises(RegisterFileError) as error:
        read_register(content, "register.csv")
    assert message in str(error.value)


def test_repeated_numbers_unreadable_files_and_other_formats_are_refused():
    headings = "Accreditation number,Name,Accreditation type,Expiry date,Organisation\n"
    with pytest.raises(RegisterFileError, match="Row 3 repeats accreditation number A1"):
        read_register(csv_bytes(headings + "A1,X,Full,2030-01-31,U\na1,Y,Full,2030-01-31,U"), "r.csv")
    with pytest.raises(RegisterFileError, match="could not be read"):
        read_register(b"not a workbook", "r.xlsx")
    with pytest.raises(RegisterFileError, match=r"\.xlsx or \.csv"):
        read_register(b"x", "r.pdf")
    with pytest.raises(RegisterFileError, match="no researchers"):
        read_register(csv_bytes(headings), "r.csv")


def test_names_are_compared_without_case_accents_spacing_punctuation_or_order():
    assert normalise_name("  Zoë   O'Brien-Smith ") == normalise_name("zoe obrien smith")
    assert normalise_name("O’Brien, Zoë") == normalise_name("Zoe OBrien")
    assert normalise_name("Zoe Brien") != normalise_name("Zoe O'Brien")


def test_verified_mismatch_and_not_found():
    listed = Listed("Zoë O'Brien", "full", date(2029, 8, 31))
    assert compare(Stated("zoe o'brien", "full", date(2029, 8, 31)), listed).result == Result.VERIFIED
    name = compare(Stated("Zoe Bryan", "full", date(2029, 8, 31)), listed)
    assert name.result == Result.MISMATCH
    assert "“Zoë O'Brien”" in name.differences[0]
    expiry = compare(Stated("Zoe O'Brien", "full", date(2030, 8, 31)), listed)
    assert expiry.result == Result.MISMATCH
    assert "31 August 2029" in expiry.differences[0]
    assert compare(Stated("Zoe O'Brien", "full", date(2029, 8, 31)), None).result == Result.NOT_FOUND
