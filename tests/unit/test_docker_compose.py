"""docker-compose.yml cannot run here (no Docker engine), so check it agrees with the settings."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ["web", "worker", "beat"]
REQUIRED_VARIABLES = [
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "EMAIL_URL",
    "AWS_STORAGE_BUCKET_NAME",
]


def interpolate(value: str) -> str:
    """Resolve ${VAR:-default} and ${VAR:?message} as Compose would with an empty environment."""
    value = re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: m.group(2), value)
    return re.sub(r"\$\{(\w+):\?[^}]*\}", lambda m: f"compose-test-{m.group(1).lower()}-value-0123456789abcdef", value)


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def environment(compose, service):
    return {key: interpolate(str(value)) for key, value in compose["services"][service]["environment"].items()}


def test_every_service_is_present_and_each_that_keeps_running_has_a_health_check(compose):
    services = compose["services"]
    assert set(services) >= {
        "postgres",
        "redis",
        "minio",
        "createbucket",
        "migrate",
        "web",
        "worker",
        "beat",
        "proxy",
        "mailcatcher",
    }
    for name, service in services.items():
        if service.get("restart") == "no":
            continue  # runs once and exits
        assert "healthcheck" in service, f"{name} has no health check"
        assert service["healthcheck"]["test"], f"{name} has an empty health check"


def test_the_compose_file_is_valid_for_docker_compose():
    """Checked by docker-compose itself (Debian's package, installed by `make test`); no engine is needed."""
    command = shutil.which("docker-compose")
    assert command, "docker-compose is missing: `make system-packages` installs it"
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME")} | {"SECRET_KEY": "x" * 50}
    result = subprocess.run(
        [command, "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_web_and_worker_run_as_replicas_behind_a_tls_proxy_sharing_no_disk(compose):
    services = compose["services"]
    for name in ("web", "worker"):
        assert services[name]["deploy"]["replicas"] >= 2
        # Only the signing key is mounted: stored files are in the bucket.
        assert [volume.split(":")[1] for volume in services[name]["volumes"]] == ["/var/lib/leo-access/signing"]
    assert "ports" not in services["web"], "the web replicas are reached through the proxy only"
    assert "443:443" in services["proxy"]["ports"]
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "tls internal" in caddyfile
    assert "reverse_proxy web:8000" in caddyfile
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in services["proxy"]["volumes"]


def test_files_go_to_a_private_bucket_that_is_made_before_the_service_starts(compose):
    services = compose["services"]
    env = environment(compose, "web")
    minio = {key: interpolate(str(value)) for key, value in services["minio"]["environment"].items()}
    assert urlsplit(env["AWS_S3_ENDPOINT_URL"]).hostname == "minio"
    assert env["AWS_ACCESS_KEY_ID"] == minio["MINIO_ROOT_USER"]
    assert env["AWS_SECRET_ACCESS_KEY"] == minio["MINIO_ROOT_PASSWORD"]
    script = " ".join(services["createbucket"]["command"])
    assert f"mc mb --ignore-existing local/{env['AWS_STORAGE_BUCKET_NAME']}" in script
    assert f"mc anonymous set none local/{env['AWS_STORAGE_BUCKET_NAME']}" in script
    for name in APP_SERVICES:
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["depends_on"]["createbucket"]["condition"] == "service_completed_successfully"


def test_app_services_run_the_right_programs(compose):
    services = compose["services"]
    assert "gunicorn" in services["web"]["command"]
    assert "leo_access.wsgi:application" in services["web"]["command"]
    assert "migrate --no-input" in " ".join(services["migrate"]["command"])
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
    assert env["AWS_STORAGE_BUCKET_NAME"]


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
