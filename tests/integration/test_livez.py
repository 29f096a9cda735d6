import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leo_access import views

pytestmark = pytest.mark.django_db


def test_livez_answers_ok_without_database_broker_or_worker(client, monkeypatch):
    def must_not_run():
        raise AssertionError("/livez must not run the readiness checks")

    monkeypatch.setattr(views, "run_checks", must_not_run)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/livez")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert len(queries) == 0
    assert "max-age=0" in response["Cache-Control"]
