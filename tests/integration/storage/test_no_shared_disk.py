"""Two web processes and two workers, each in its own empty working directory with no files of its own, share only
the database, Redis and the bucket: what one web process takes in, either worker checks and the other web process
hands out, and a session begun on one is good on the other."""

import hashlib
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from contextlib import ExitStack, contextmanager

import pytest
import redis
from django.urls import reverse

from applications.models import VariableRequestForm
from applications.states import State
from demo.forms import ensure_demo_catalogue, filled_form
from tests.conftest import ROOT, running_worker
from tests.factories import PASSWORD, ApplicationFactory, coordinator_of, give_authenticator, totp_code

from ..security.helpers import verified
from .conftest import keys, storage_env

pytestmark = pytest.mark.django_db(transaction=True)
# Their own Redis database, as broker and cache, so no other test's worker can take their tasks.
REDIS_DB = 12


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def web_process(env: dict, folder):
    """gunicorn serving the project from an empty working directory."""
    port = _free_port()
    log = open(folder / "web.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "leo_access.wsgi:application", "--bind", f"127.0.0.1:{port}"],
        cwd=folder,
        env=env | {"PYTHONPATH": str(ROOT)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{address}/livez", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"The web process did not start; see {log.name}") from None
                time.sleep(0.2)
        yield address
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()


class Browser:
    """Cookies and CSRF tokens, as a browser keeps them, for any of the web processes."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect())

    def _csrf(self) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")

    def get(self, url):
        return self.opener.open(url, timeout=30)

    def post(self, url, fields: dict, files: dict | None = None):
        fields = {"csrfmiddlewaretoken": self._csrf(), **fields}
        if files:
            boundary = uuid.uuid4().hex
            parts = [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                for name, value in fields.items()
            ]
            for name, (filename, data) in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    "Content-Type: application/octet-stream\r\n\r\n".encode()
                    + data
                    + b"\r\n"
                )
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            content_type = f"multipart/form-data; boundary={boundary}"
        else:
            body, content_type = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
        request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type}, method="POST")
        return self.opener.open(request, timeout=60)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, request, response, code, message, headers):
        return response


def test_two_web_processes_and_two_workers_share_only_the_database_redis_and_the_bucket(
    settings, bucket, s3_endpoint, tmp_path
):
    database = settings.DATABASES["default"]
    redis_url = settings.REDIS_URL.rsplit("/", 1)[0] + f"/{REDIS_DB}"
    redis.Redis.from_url(redis_url).flushdb()
    shared = storage_env(s3_endpoint, bucket) | {
        "DJANGO_SETTINGS_MODULE": "leo_access.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": redis_url,
    }
    ensure_demo_catalogue()
    application = ApplicationFactory(form=False, state=State.DRAFT)
    coordinator = verified(coordinator_of(application))
    give_authenticator(coordinator)
    folders = {name: tmp_path / name for name in ("web-a", "web-b", "worker-a", "worker-b")}
    for folder in folders.values():
        folder.mkdir()

    def own(name):
        return os.environ | shared | {"MEDIA_ROOT": str(folders[name] / "media")}

    with ExitStack() as stack:
        web_a = stack.enter_context(web_process(own("web-a"), folders["web-a"]))
        web_b = stack.enter_context(web_process(own("web-b"), folders["web-b"]))
        for name in ("worker-a", "worker-b"):
            stack.enter_context(running_worker(own(name), cwd=folders[name], broker_url=redis_url))

        browser = Browser()
        browser.get(f"{web_a}{reverse('account_login')}")
        signed_in = browser.post(
            f"{web_a}{reverse('account_login')}", {"login": coordinator.email, "password": PASSWORD}
        )
        assert signed_in.status == 302, signed_in.read()[:500]
        browser.get(f"{web_a}{reverse('mfa_authenticate')}")
        second_factor = browser.post(f"{web_a}{reverse('mfa_authenticate')}", {"code": totp_code()})
        assert second_factor.status == 302, second_factor.read()[:500]

        # Signed in on A, known on B: the session is in the database, not in either process.
        data_page = f"{reverse('applications:data', args=[application.pk])}"
        assert browser.get(f"{web_b}{data_page}").status == 200

        # Uploaded through B; the check is done by whichever worker takes it, from the bucket.
        workbook = filled_form(application.reference)
        uploaded = browser.post(f"{web_b}{data_page}", {}, files={"file": ("form.xlsx", workbook)})
        assert uploaded.status == 302, uploaded.read()[:500]
        form = VariableRequestForm.objects.get(application=application)
        deadline = time.monotonic() + 90
        while form.validation_status in ("pending", "running") and time.monotonic() < deadline:
            time.sleep(0.2)
            form.refresh_from_db()
        assert form.validation_status == VariableRequestForm.Validation.PASSED, form.result

        # Handed out through A, byte for byte what went in through B.
        download = browser.get(f"{web_a}{reverse('applications:form_download', args=[application.pk, 1])}")
        assert download.status == 200
        assert hashlib.sha256(download.read()).hexdigest() == hashlib.sha256(workbook).hexdigest()

        # A status page on A shows what the worker stored: the findings are in the database, not a file.
        status = browser.get(f"{web_a}{reverse('applications:data_status', args=[application.pk])}").read().decode()
        assert re.search(r"Passed|passed", status)

    # Nothing was written to any process's own folder: no media, no exports, no temporary files left.
    for name, folder in folders.items():
        left = [path.name for path in folder.rglob("*") if path.is_file() and not path.name.endswith(".log")]
        assert left == [], f"{name} kept files of its own: {left}"
    assert form.file.name in keys(s3_endpoint, bucket)
