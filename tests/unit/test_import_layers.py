"""The import layers (pyproject.toml, `lint-imports`) hold, and a forbidden import breaks them."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["leo_access", "applications", "reviews", "declarations", "notifications", "api", "operations", "demo"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=where,
        env={"PYTHONPATH": str(where), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def copy_of_the_code(tmp_path):
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_layers_hold_today(copy_of_the_code):
    result = lint_imports(copy_of_the_code)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("leo_access/profile.py", "from applications.forms import NewApplicationForm"),
        ("applications/services.py", "from reviews.selectors import queue"),
        ("reviews/services.py", "from declarations.services import grant_access"),
        ("notifications/outbox.py", "from demo.users import DEMO_USERS"),
        ("declarations/services.py", "from api.problems import problem"),
        ("declarations/services.py", "from operations.metrics import database_metrics"),
        ("applications/vrf/reader.py", "from django.conf import settings"),
    ],
)
def test_an_import_against_the_layers_fails(copy_of_the_code, module, forbidden):
    path = copy_of_the_code / module
    path.write_text(forbidden + "  # noqa\n" + path.read_text())
    result = lint_imports(copy_of_the_code)
    assert result.returncode != 0
    assert "1 kept, 1 broken" in result.stdout
    assert module.removesuffix(".py").replace("/", ".") in result.stdout
