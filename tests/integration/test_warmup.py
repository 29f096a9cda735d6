"""Processes warm what they need when they start (leo_access.warmup); bench/bench_first_use.py measures the effect."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery import signals

from leo_access import warmup

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_a_worker_warms_the_declaration_signer_and_the_catalogue(monkeypatch):
    monkeypatch.setattr(warmup, "_warmed", set())
    signals.worker_process_init.send(sender=None)
    assert "worker" in warmup._warmed
    took = warmup.warm(warmup.WORKER, again=True)
    assert set(took) == {"declarations.warmup.signed_declaration", "applications.warmup.catalogue_and_readers"}
    assert warmup.warm(warmup.WORKER) == {}  # once per process


def test_a_warmer_that_fails_is_logged_and_skipped(monkeypatch, caplog):
    def broken():
        raise RuntimeError("no fonts")

    monkeypatch.setattr(warmup, "_warmers", list(warmup._warmers))
    warmup.register(broken, kinds=(warmup.WORKER,))
    with caplog.at_level(logging.ERROR, logger="leo_access.warmup"):
        took = warmup.warm(warmup.WORKER, again=True)
    assert "declarations.warmup.signed_declaration" in took
    assert not any(name.endswith("broken") for name in took)
    assert "broken failed" in caplog.text


def test_loading_the_wsgi_application_warms_the_web_process():
    code = "import logging; logging.basicConfig(level=logging.INFO); import leo_access.wsgi"
    environment = os.environ | {"DJANGO_SETTINGS_MODULE": "leo_access.settings.test"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "Warmed the web process" in result.stderr
