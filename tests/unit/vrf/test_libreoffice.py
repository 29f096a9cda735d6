"""A form re-saved by LibreOffice reads the same: another writer, the same answers and findings."""

import os
import subprocess
from pathlib import Path

import pytest

from applications.vrf import validate_workbook

SOFFICE = Path("/usr/bin/soffice")

pytestmark = pytest.mark.skipif(not SOFFICE.exists(), reason="LibreOffice (/usr/bin/soffice) is not installed")


def resave_with_libreoffice(data: bytes, folder: Path) -> bytes:
    source = folder / "in" / "form.xlsx"
    source.parent.mkdir()
    source.write_bytes(data)
    out = folder / "out"
    profile = folder / "profile"
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(folder)},
    )
    return (out / "form.xlsx").read_bytes()


def test_resaved_by_libreoffice_validates_the_same(builder, catalogue, tmp_path):
    builder.request("cin").tick("cin", "CIN_LA_anon", years="2009 to 2021")
    builder.justify("employment", "Short.")
    builder.answer("ucas", None)
    builder.tick("ks4", "KS4_URN_anon", years=None)
    original = builder.build()
    resaved = resave_with_libreoffice(original, tmp_path)
    assert resaved != original

    def lookup(version):
        return catalogue

    before = validate_workbook(original, catalogue_for_version=lookup).to_dict()
    after = validate_workbook(resaved, catalogue_for_version=lookup).to_dict()
    assert {item["code"] for item in before["findings"]} >= {
        "short_justification",
        "table_answer_blank",
        "item_years_missing",
        "sensitive_variables",
    }
    before.pop("summary"), after.pop("summary")
    assert after == before
