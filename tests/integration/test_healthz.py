import pytest

from leo_access.celery import app as celery_app

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.worker
def test_healthz_is_green_with_database_broker_and_worker_up(client, celery_worker):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "broker": True,
        "worker": True,
    }


def test_healthz_names_the_broker_when_redis_is_unreachable(client, monkeypatch):
    # Nothing listens on port 1: connecting fails exactly as it does when Redis is stopped.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["checks"]["broker"]["ok"] is False
    assert "broker unreachable" in body["checks"]["broker"]["detail"]
    assert body["checks"]["database"]["ok"] is True


def test_healthz_names_the_worker_when_none_answers(client, monkeypatch):
    # A broker database no worker listens on: the broker is up, no worker answers.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:6379/13")

    response = client.get("/healthz")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["broker"]["ok"] is True
    assert checks["worker"]["ok"] is False


def test_healthz_in_embedded_mode_needs_no_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    response = client.get("/healthz")

    assert response.status_code == 200
    assert "in-process" in response.json()["checks"]["broker"]["detail"]
