"""The package is pure Python: importing and using it must not pull Django in."""

import os
import subprocess
import sys

from tests.unit.vrf.helpers import REPO

CODE = """
import sys
from applications.vrf import validate_workbook
validate_workbook(b"not a workbook")
print(sorted(name for name in sys.modules if name == "django" or name.startswith("django.")))
"""


def test_no_django_import():
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    completed = subprocess.run(
        [sys.executable, "-c", CODE], cwd=REPO, env=env, capture_output=True, text=True, check=True, timeout=60
    )
    assert completed.stdout.strip() == "[]"
