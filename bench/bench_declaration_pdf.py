"""Benchmark: rendering and sealing a signed declaration PDF against WeasyPrint rendering the same HTML alone.

    .venv/bin/python bench/bench_declaration_pdf.py [--runs N]

Both are timed in the same run, interleaved, on the declaration template with the first published text's
clauses. Target: render and sign together take at most 1.3 times the render alone (medians). Uses the
configured signing key, generating the development pair first if that is allowed.
"""

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 1.3

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leo_access.settings.embedded")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    options = parser.parse_args()

    import django

    django.setup()
    from declarations import pdf
    from declarations.models import text_digest
    from declarations.services import FIRST_TEXT_CLAUSES, FIRST_TEXT_TITLE

    html = pdf.render_html(
        {
            "reference": "LEO-2026-0042",
            "project_title": "Labour-market returns to level 3 qualifications",
            "member_name": "Ada Researcher",
            "typed_name": "Ada Researcher",
            "accreditation_reference": "DEA-2024-0117",
            "text_title": FIRST_TEXT_TITLE,
            "text_version": 1,
            "clauses": FIRST_TEXT_CLAUSES,
            "text_sha256": text_digest(version=1, title=FIRST_TEXT_TITLE, clauses=FIRST_TEXT_CLAUSES),
            "signed_at_utc": "24 November 2026, 10:15:00 UTC",
            "confirmed_with": "Password",
            "document_number": "LEO-2026-0042-D00001",
        }
    )

    def render_alone():
        return pdf.render_pdf(html)

    def render_and_sign():
        return pdf.sign_pdf(pdf.render_pdf(html), document_number="LEO-2026-0042-D00001", signer_name="Ada Researcher")

    # Warm up: fonts, templates, the signing key and pyHanko's imports are loaded once per process.
    render_and_sign()
    render_alone()
    alone, signed = [], []
    for _ in range(options.runs):
        for work, times in ((render_alone, alone), (render_and_sign, signed)):
            gc.collect()
            started = time.perf_counter()
            work()
            times.append(time.perf_counter() - started)
    render_time = statistics.median(alone)
    total_time = statistics.median(signed)
    ratio = total_time / render_time
    print(f"runs: {options.runs} each, interleaved")
    print(f"WeasyPrint render alone:   {render_time * 1000:7.1f} ms (median)")
    print(f"render + pyHanko signing:  {total_time * 1000:7.1f} ms (median)")
    print(f"ratio: {ratio:.2f} (target at most {TARGET_RATIO})")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
