from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
REAL_FORM = (REPO / "../shared/reference/leo-i2se-variable-request-form-v2.3-example.xlsx").resolve()


def only(result, code):
    """The one finding with this code, which must have a message; fails if there are none or several."""
    found = [item for item in result.findings if item.code == code]
    assert len(found) == 1, f"expected one {code!r}, got {[(f.code, f.sheet, f.cell) for f in result.findings]}"
    assert found[0].message.strip()
    return found[0]


def codes(result) -> set[str]:
    return {item.code for item in result.findings}
