"""Files that must be refused before any parser reads them, each with one clear error finding."""

import random
import struct
import zipfile
import zlib
from io import BytesIO

import pytest

from applications.vrf import Limits, validate_workbook
from applications.vrf.findings import Rejected
from applications.vrf.safety import CHUNK, SCAN_IN_TWO_FROM, check_workbook
from tests.vrf_factory import VrfBuilder, workbook_bytes

MB = 1024 * 1024


@pytest.fixture(scope="module")
def good() -> bytes:
    return VrfBuilder().build()


def rejected_with(data: bytes, code: str, **options):
    result = validate_workbook(data, **options)
    assert not result.valid
    assert [item.code for item in result.findings] == [code]
    finding = result.findings[0]
    assert finding.severity == "error"
    assert finding.sheet is None
    assert finding.cell is None
    assert len(finding.message) > 40
    assert result.tables == []
    assert result.variables == []
    return finding


def rezip(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """The workbook with some parts replaced or added."""
    source = zipfile.ZipFile(BytesIO(data))
    assert set(replace or {}) <= set(source.namelist())
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, (replace or {}).get(info.filename, source.read(info)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def forged_zip(entries: list[tuple[str, bytes, int]], offsets: list[int] | None = None) -> bytes:
    """A stored zip whose central directory declares the given uncompressed sizes, true or not."""
    body = b""
    directory = b""
    starts = []
    for name, content, _ in entries:
        starts.append(len(body))
        encoded = name.encode()
        body += struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            20,
            0,
            0,
            0,
            33,
            zlib.crc32(content),
            len(content),
            len(content),
            len(encoded),
            0,
        )
        body += encoded + content
    for index, (name, content, declared) in enumerate(entries):
        encoded = name.encode()
        offset = offsets[index] if offsets else starts[index]
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            0,
            0,
            33,
            zlib.crc32(content),
            len(content),
            declared,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        directory += encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), len(body), 0)
    return body + directory + end


def test_empty_file():
    rejected_with(b"", "empty_file")


def test_random_bytes():
    rejected_with(random.Random(7).randbytes(50_000), "not_a_spreadsheet")


def test_plain_text_is_not_a_spreadsheet():
    rejected_with(b"Dataset,Table Name\nNPD,KS4\n", "not_a_spreadsheet")


def test_truncated_zip(good):
    finding = rejected_with(good[: len(good) // 2], "truncated_file")
    assert "incomplete" in finding.message


def test_over_the_size_limit(good):
    finding = rejected_with(good, "file_too_large", max_bytes=len(good) - 1)
    assert "MB" in finding.message


def test_over_the_default_size_limit():
    rejected_with(b"PK\x03\x04" + bytes(20 * MB), "file_too_large")


def test_fake_encrypted_ole_workbook():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    ole += "EncryptionInfo".encode("utf-16-le") + bytes(40) + "EncryptedPackage".encode("utf-16-le") + bytes(2000)
    finding = rejected_with(ole, "password_protected")
    assert "password" in finding.message


def test_old_xls_workbook_is_not_accepted():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "Workbook".encode("utf-16-le") + bytes(2000)
    finding = rejected_with(ole, "not_a_spreadsheet")
    assert ".xls" in finding.message


def test_zip_entry_encryption_flag(good):
    # Set the "encrypted" bit in the central directory record of the first part.
    position = good.find(b"PK\x01\x02")
    forged = bytearray(good)
    flags = struct.unpack("<H", forged[position + 8 : position + 10])[0] | 0x1
    forged[position + 8 : position + 10] = struct.pack("<H", flags)
    rejected_with(bytes(forged), "password_protected")


def test_vba_project_under_an_xlsx_name(good):
    rejected_with(rezip(good, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"}), "macro_enabled")


def test_macro_enabled_content_type(good):
    types = zipfile.ZipFile(BytesIO(good)).read("[Content_Types].xml")
    macro = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    assert macro != types
    finding = rejected_with(rezip(good, replace={"[Content_Types].xml": macro}), "macro_enabled")
    assert "macro" in finding.message


def test_zip_bomb_by_compression_ratio(good):
    bomb = rezip(good, add={"xl/media/padding.xml": b"<a>" + b" " * (8 * MB) + b"</a>"})
    finding = rejected_with(bomb, "zip_bomb")
    assert "100:1" in finding.message


def test_zip_bomb_by_declared_total_size_is_refused_from_the_directory_alone():
    # 300 parts each claiming 900 KB (under the ratio floor): 263 MB in all. The data is tiny and the sizes are
    # lies, so refusing it proves the decision is taken from the central directory before decompressing.
    entries = [(f"xl/part{index}.xml", b"<a/>", 900 * 1024) for index in range(300)]
    finding = rejected_with(forged_zip(entries), "zip_bomb")
    assert "MB" in finding.message


def test_zip_bomb_by_total_size_with_a_lower_limit():
    incompressible = random.Random(3).randbytes(2 * MB)
    data = rezip(VrfBuilder().build(), add={"xl/media/image1.png": incompressible})
    with pytest.raises(Rejected) as raised:
        check_workbook(data, Limits(max_uncompressed=1 * MB))
    assert raised.value.finding.code == "zip_bomb"


def test_too_many_parts(good):
    rejected_with(rezip(good, add={f"xl/extra/part{index}.xml": b"<a/>" for index in range(1001)}), "zip_bomb")


def test_overlapping_parts():
    entries = [("[Content_Types].xml", b"<Types/>", 8), ("xl/workbook.xml", b"<workbook/>", 11)]
    rejected_with(forged_zip(entries, offsets=[0, 0]), "zip_bomb")


def test_part_larger_than_declared_is_damaged(good):
    entries = [("[Content_Types].xml", b"<Types>spreadsheetml.sheet.main</Types>", 10)]
    rejected_with(forged_zip(entries), "damaged_file")


@pytest.mark.parametrize(
    "payload",
    [
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><worksheet/>',
        b'<?xml version="1.0"?>\n<!doctype sst SYSTEM "http://attacker.example/x.dtd"><worksheet/>',
        b'<?xml version="1.0"?><worksheet><!ENTITY x "y"></worksheet>',
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE w [<!ENTITY a "b">]><worksheet/>'.encode("utf-16"),
    ],
    ids=["billion-laughs", "external-dtd", "entity", "utf-16"],
)
def test_dtd_and_entities_in_xml_parts(good, payload):
    finding = rejected_with(rezip(good, replace={"xl/worksheets/sheet2.xml": payload}), "xml_entities")
    assert "xl/worksheets/sheet2.xml" in finding.message


def test_dtd_split_across_chunks_is_found(good):
    prefix = b'<?xml version="1.0"?><!-- '
    # The DOCTYPE starts four bytes before the first chunk ends, so neither chunk holds it whole.
    filler = bytes(random.Random(5).choices(b"abcdefghij", k=CHUNK - 8 - len(prefix)))
    payload = prefix + filler + b" -->" + b'<!DOCTYPE a SYSTEM "http://attacker.example/a.dtd"><worksheet/>'
    assert payload.find(b"<!DOCTYPE") < CHUNK < payload.find(b"<!DOCTYPE") + 9
    rejected_with(rezip(good, replace={"xl/worksheets/sheet2.xml": payload}), "xml_entities")


def test_corrupted_compressed_data(good):
    source = zipfile.ZipFile(BytesIO(good))
    info = source.getinfo("xl/worksheets/sheet2.xml")
    header = good[info.header_offset : info.header_offset + 30]
    start = info.header_offset + 30 + sum(struct.unpack("<HH", header[26:30]))
    broken = bytearray(good)
    for offset in range(start + 10, start + 40):
        broken[offset] ^= 0xFF
    rejected_with(bytes(broken), "damaged_file")


def test_malformed_xml_that_passes_the_safety_checks(good):
    broken = rezip(good, replace={"xl/workbook.xml": b"<workbook><sheets><sheet name='x' r:id="})
    finding = rejected_with(broken, "unreadable_workbook")
    assert "Excel" in finding.message


def test_word_document_is_not_a_spreadsheet():
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as document:
        document.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        document.writestr("word/document.xml", "<document/>")
    finding = rejected_with(out.getvalue(), "not_a_spreadsheet")
    assert "Word" in finding.message


def test_plain_zip_is_not_a_spreadsheet():
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "hello")
    rejected_with(out.getvalue(), "not_a_spreadsheet")


def test_workbook_from_another_form_altogether():
    data = workbook_bytes({"Sheet1": [["Name", "Budget"], ["Project", 1000]], "Notes": [["Anything"]]})
    result = validate_workbook(data)
    assert not result.valid
    assert [item.code for item in result.findings] == ["not_a_vrf"]
    assert "Data Tables" in result.findings[0].message


def test_formula_text_is_data_never_evaluated(builder):
    from openpyxl import load_workbook

    book = load_workbook(BytesIO(builder.build()))
    sheet = book["KS4_01-02_to_20-21"]
    # A formula that would evaluate to "Yes" has no cached value: it must not count as a tick.
    sheet[builder.cell("ks4", "KS4_LAESTAB_anon")] = '=IF(1=1,"Yes","No")'
    summary = book["Data Tables"]
    summary[builder.summary_cell("ks4", "justification")] = '=HYPERLINK("http://example.com") ' + "word " * 12
    summary[builder.summary_cell("ks4", "justification")].data_type = "s"
    out = BytesIO()
    book.save(out)
    result = validate_workbook(out.getvalue())
    assert [variable.alias for variable in result.variables if variable.table.startswith("KS4")] == ["KS4_GENDER"]
    ks4 = next(table for table in result.tables if table.table.startswith("KS4"))
    assert ks4.justification.startswith('=HYPERLINK("http://example.com")')


@pytest.mark.parametrize("seed", range(12))
def test_damaged_bytes_never_raise(good, seed):
    rng = random.Random(seed)
    damaged = bytearray(good)
    for _ in range(rng.randint(1, 40)):
        damaged[rng.randrange(len(damaged))] = rng.randrange(256)
    result = validate_workbook(bytes(damaged))
    data = result.to_dict()
    assert set(data) >= {"valid", "form_version", "tables", "variables", "findings"}
    if not result.valid and len(result.findings) == 1 and not result.tables:
        assert result.findings[0].severity == "error"


@pytest.mark.parametrize(("first_size", "second_size"), [(3, 2), (2, 3)], ids=["bigger-first", "bigger-second"])
def test_big_workbooks_report_the_earliest_problem_part(good, first_size, second_size):
    """Big workbooks are scanned by two threads, the biggest parts split between them; whichever thread finds its
    problem first, the answer is always the problem of the earliest part."""

    def bad_part(size: int) -> bytes:
        filler = bytes(random.Random(size).choices(b"abcdefghij", k=size * SCAN_IN_TWO_FROM // 2))
        return b'<?xml version="1.0"?><!DOCTYPE a SYSTEM "http://x.example/a.dtd"><!-- ' + filler + b" --><a/>"

    first, second = "xl/worksheets/sheet3.xml", "xl/worksheets/sheet9.xml"
    data = rezip(good, replace={first: bad_part(first_size), second: bad_part(second_size)})
    names = [info.filename for info in zipfile.ZipFile(BytesIO(data)).infolist()]
    assert names.index(first) < names.index(second)
    for _ in range(5):
        finding = rejected_with(data, "xml_entities")
        assert first in finding.message


def test_big_clean_workbooks_pass_the_scan(good):
    data = rezip(good, add={"xl/media/image1.png": random.Random(12).randbytes(SCAN_IN_TWO_FROM * 2)})
    assert validate_workbook(data).form_version == "2.3"
