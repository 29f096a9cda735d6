"""docker-compose.yml cannot run here (no Docker engine), so check it agrees with the settings."""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ["web", "worker", "beat"]
REQUIRED_VARIABLES = ["SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "EMAIL_URL", "MEDIA_ROOT"]


def interpolate(value: str) -> str:
    """Resolve ${VAR:-default} and ${VAR:?message} as Compose would with an empty environment."""
    value = re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: m.group(2), value)
    return re.sub(r"\$\{(\w+):\?[^}]*\}", lambda m: f"compose-test-{m.group(1).lower()}-value-0123456789abcdef", value)


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def environment(compose, service):
    return {key: interpolate(str(value)) for key, value in compose["services"][service]["environment"].items()}


def test_every_service_is_present_with_a_health_check(compose):
    services = compose["services"]
    assert set(services) >= {"postgres", "redis", "web", "worker", "beat", "mailcatcher"}
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no health check"
        assert service["healthcheck"]["test"], f"{name} has an empty health check"


def test_app_services_run_the_right_programs(compose):
    services = compose["services"]
    assert "gunicorn leo_access.wsgi:application" in services["web"]["command"]
    assert "migrate" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "leo_access", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "leo_access", "beat"]
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_environment_points_at_the_compose_services(compose, service):
    env = environment(compose, service)
    assert env["DJANGO_SETTINGS_MODULE"] == "leo_access.settings.production"
    for name in REQUIRED_VARIABLES:
        assert env.get(name), f"{service} does not set {name}"
    database = urlsplit(env["DATABASE_URL"])
    postgres = compose["services"]["postgres"]["environment"]
    assert database.hostname == "postgres"
    assert database.path.lstrip("/") == postgres["POSTGRES_DB"]
    assert database.username == postgres["POSTGRES_USER"]
    assert urlsplit(env["REDIS_URL"]).hostname == "redis"
    assert urlsplit(env["EMAIL_URL"]).hostname == "mailcatcher"
    media_volume = f"media:{env['MEDIA_ROOT']}"
    assert media_volume in compose["services"][service]["volumes"]


def test_the_production_settings_load_with_the_compose_environment(compose):
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME")}
    env |= environment(compose, "web")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
