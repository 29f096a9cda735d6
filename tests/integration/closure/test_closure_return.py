"""The closure return: outputs added one at a time, a final report and the destruction confirmed; bad input gets
a clear error and loses nothing; the outputs then show on the project page and the public register."""

import csv
import io
import json

import pytest
from django.urls import reverse

from applications.closure.services import close_early
from applications.models import ApplicationEvent, ClosureReturn, ProjectOutput
from applications.register import cache as register_cache

pytestmark = pytest.mark.django_db

PAPER = {
    "output-title": "Earnings five years after GCSEs",
    "output-kind": "journal_article",
    "output-published_on_0": "14",
    "output-published_on_1": "3",
    "output-published_on_2": "2027",
    "output-link": "https://doi.org/10.1234/leo.2027.01",
    "output-output_checked": "yes",
}
REPORT = {
    "output-title": "Regional gaps in graduate pay",
    "output-kind": "report",
    "output-published_on_0": "2",
    "output-published_on_1": "9",
    "output-published_on_2": "2027",
    "output-link": "https://example.org/reports/regional-gaps",
    "output-output_checked": "no",
}


@pytest.fixture
def closed(live):
    application, coordinator, member = live
    close_early(application_id=application.pk, by=coordinator, reason="Finished.")
    return application, coordinator, member


def url_of(application):
    return reverse("applications:closure_return", args=[application.pk])


def test_bad_input_gets_clear_errors_and_loses_nothing(client, closed):
    application, coordinator, _ = closed
    client.force_login(coordinator)
    bad = {**PAPER, "output-link": "somewhere", "output-published_on_1": "13", "return-final_report": "We found X."}
    response = client.post(url_of(application), {**bad, "action": "add"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a DOI starting 10. or a web address starting https://" in page
    assert "must be a real date" in page
    assert 'href="#id_output-link"' in page  # the error summary links to the field
    # What was typed is still there: the output's title and the report.
    assert "Earnings five years after GCSEs" in page
    assert "We found X." in page
    assert ProjectOutput.objects.count() == 0

    missing = client.post(url_of(application), {"action": "send", "return-final_report": ""})
    page = missing.content.decode()
    assert "Enter the final report" in page
    assert "Confirm that pre-publication material held outside the secure service has been destroyed" in page
    assert ClosureReturn.objects.get(application=application).submitted_at is None


def test_the_coordinator_adds_two_outputs_and_sends_the_return(client, closed):
    application, coordinator, _ = closed
    client.force_login(coordinator)
    added = client.post(url_of(application), {**PAPER, "action": "add", "return-final_report": "Draft report."})
    assert added.status_code == 302
    # The report typed so far was kept with the output.
    assert ClosureReturn.objects.get(application=application).final_report == "Draft report."
    assert "Draft report." in client.get(url_of(application)).content.decode()
    client.post(url_of(application), {**REPORT, "action": "add", "return-final_report": "Draft report."})
    # An output added by mistake comes off again.
    client.post(url_of(application), {**PAPER, "output-title": "Mistake", "action": "add"})
    mistake = ProjectOutput.objects.get(title="Mistake")
    client.post(url_of(application), {"action": f"remove-{mistake.pk}", "return-final_report": "Draft report."})

    sent = client.post(
        url_of(application),
        {"action": "send", "return-final_report": "We measured regional gaps.", "return-materials_destroyed": "on"},
    )
    assert sent.status_code == 302
    the_return = ClosureReturn.objects.get(application=application)
    assert the_return.submitted_by == coordinator
    assert the_return.materials_destroyed is True
    assert the_return.final_report == "We measured regional gaps."
    outputs = list(application.outputs.values_list("title", "kind", "link", "output_checked"))
    assert outputs == [
        ("Earnings five years after GCSEs", "journal_article", "10.1234/leo.2027.01", True),
        ("Regional gaps in graduate pay", "report", "https://example.org/reports/regional-gaps", False),
    ]
    kinds = list(ApplicationEvent.objects.filter(application=application).values_list("kind", flat=True))
    assert kinds.count("output_added") == 3
    assert "output_removed" in kinds
    assert kinds[-1] == "closure_return_sent"
    # Sent once: the page now goes back to the project.
    assert client.get(url_of(application)).status_code == 302

    detail = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "Closure return" in detail
    assert "Sent" in detail
    assert "Earnings five years after GCSEs" in detail
    assert 'href="https://doi.org/10.1234/leo.2027.01"' in detail
    assert "We measured regional gaps." in detail


def test_an_output_typed_but_not_added_goes_with_the_return(client, closed):
    application, coordinator, _ = closed
    client.force_login(coordinator)
    client.post(
        url_of(application),
        {**PAPER, "action": "send", "return-final_report": "Report.", "return-materials_destroyed": "on"},
    )
    assert list(application.outputs.values_list("title", flat=True)) == ["Earnings five years after GCSEs"]
    assert ClosureReturn.objects.get(application=application).submitted_at is not None


@pytest.mark.parametrize("who", ["member", "ras", "admin"])
def test_only_the_coordinator_writes_the_return(client, closed, people, who):
    application, _, member = closed
    client.force_login({"member": member, "ras": people.ras, "admin": people.admin}[who])
    assert client.get(url_of(application)).status_code == 403
    response = client.post(url_of(application), {**PAPER, "action": "add"})
    assert response.status_code == 403
    assert not ProjectOutput.objects.exists()


def test_outputs_are_published_on_the_register_and_its_downloads_once_the_return_is_sent(
    client, closed, django_capture_on_commit_callbacks
):
    application, coordinator, _ = closed
    client.force_login(coordinator)
    client.post(url_of(application), {**PAPER, "action": "add"})
    client.post(url_of(application), {**REPORT, "action": "add"})
    client.logout()
    register_cache.bump()
    assert "Earnings five years after GCSEs" not in client.get(reverse("register:index")).content.decode()

    client.force_login(coordinator)
    # The return's event, once committed, tells the register it has changed.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url_of(application), {"action": "send", "return-final_report": "Done.", "return-materials_destroyed": "on"}
        )
    client.logout()
    page = client.get(reverse("register:index")).content.decode()
    assert "2 outputs" in page
    assert 'href="https://doi.org/10.1234/leo.2027.01"' in page
    assert "Regional gaps in graduate pay" in page

    body = json.loads(b"".join(client.get(reverse("register:json")).streaming_content))
    [project] = [p for p in body["projects"] if p["reference"] == application.reference]
    assert project["outputs"][0] == {
        "title": "Earnings five years after GCSEs",
        "type": "Journal article",
        "date": "2027-03-14",
        "doi_or_url": "10.1234/leo.2027.01",
        "url": "https://doi.org/10.1234/leo.2027.01",
        "output_checked": True,
    }
    assert project["outputs"][1]["output_checked"] is False

    rows = list(csv.DictReader(io.StringIO(b"".join(client.get(reverse("register:csv")).streaming_content).decode())))
    [row] = [r for r in rows if r["Reference"] == application.reference]
    assert row["Outputs"] == (
        "Earnings five years after GCSEs (Journal article, 2027-03-14, 10.1234/leo.2027.01, output-checked); "
        "Regional gaps in graduate pay (Report, 2027-09-02, https://example.org/reports/regional-gaps, "
        "not output-checked)"
    )


def test_the_staff_register_counts_each_projects_outputs(client, closed, people):
    application, coordinator, _ = closed
    client.force_login(coordinator)
    client.post(url_of(application), {**PAPER, "action": "add"})
    client.force_login(people.ras)
    page = client.get(reverse("tracking:register"), {"q": application.reference})
    assert page.status_code == 200
    [project] = [p for p in page.context["page"].object_list if p.pk == application.pk]
    assert project.outputs_count == 1
