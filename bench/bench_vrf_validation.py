"""Benchmark: full VRF validation against reading every cell with python-calamine (and with openpyxl).

    .venv/bin/python bench/bench_vrf_validation.py [--runs N]

Needs the real example form (outside the repository); without it the benchmark says so and exits. Target: the
validation takes at most 1.5 times as long as calamine reading every cell of every sheet.
"""

import argparse
import gc
import sys
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL_FORM = (ROOT / "../shared/reference/leo-i2se-variable-request-form-v2.3-example.xlsx").resolve()
TARGET_RATIO = 1.5

sys.path.insert(0, str(ROOT))


def read_all_with_calamine(data: bytes) -> int:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(BytesIO(data))
    cells = 0
    for name in book.sheet_names:
        for row in book.get_sheet_by_name(name).to_python():
            cells += len(row)
    return cells


def read_all_with_openpyxl(data: bytes) -> int:
    from openpyxl import load_workbook

    book = load_workbook(BytesIO(data), read_only=True, data_only=True)
    cells = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells += len(row)
    book.close()
    return cells


def validate(data: bytes) -> int:
    from applications.vrf import validate_workbook

    result = validate_workbook(data)
    assert result.form_version == "2.3", result.findings
    return len(result.variables)


def best_of(function, data: bytes, runs: int) -> float:
    function(data)  # warm up imports and caches
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        function(data)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of the calamine read and the validation")
    parser.add_argument("--openpyxl-runs", type=int, default=2)
    arguments = parser.parse_args()
    if not REAL_FORM.exists():
        print(f"SKIPPED: the real example form is not available at {REAL_FORM}")
        return 0
    data = REAL_FORM.read_bytes()
    print(f"File: {REAL_FORM.name} ({len(data) / 1024:.0f} KB), {read_all_with_calamine(data)} cells read")
    print(f"Best of {arguments.runs} runs ({arguments.openpyxl_runs} for openpyxl):")
    calamine = best_of(read_all_with_calamine, data, arguments.runs)
    openpyxl = best_of(read_all_with_openpyxl, data, arguments.openpyxl_runs)
    validation = best_of(validate, data, arguments.runs)
    ratio = validation / calamine
    print(f"  (a) python-calamine, every cell of every sheet: {calamine * 1000:8.1f} ms")
    print(
        f"  (b) openpyxl read-only, every cell:             {openpyxl * 1000:8.1f} ms  ({openpyxl / calamine:.1f}x (a))"
    )
    print(f"  (c) validate_workbook, all checks:              {validation * 1000:8.1f} ms")
    print(f"  ratio (c)/(a): {ratio:.2f} (target <= {TARGET_RATIO})")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
