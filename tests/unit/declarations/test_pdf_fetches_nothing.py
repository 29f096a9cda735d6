"""PDFs are rendered with only the service's static assets: no local file and no URL on any host is opened."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO

import pytest
from django.conf import settings
from pyhanko.pdf_utils.reader import PdfFileReader

from declarations.pdf import render_pdf
from leo_access.pdf import ASSET_BASE, StaticAssetsFetcher


@pytest.fixture
def server():
    """A local HTTP server that records every request it receives."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            received.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", received
    httpd.shutdown()
    httpd.server_close()


def attachments(pdf: bytes) -> list:
    """Files embedded in the PDF, as a document list or as annotations on a page."""

    def read(value):
        return value.get_object() if hasattr(value, "get_object") else value

    root = PdfFileReader(BytesIO(pdf), strict=False).root
    names = read(root.get("/Names")) or {}
    found = list(read(read(names.get("/EmbeddedFiles")) or {}).get("/Names", []))
    for page in read(root["/Pages"])["/Kids"]:
        annotations = read(read(page).get("/Annots")) or []
        found += [a for a in annotations if read(a).get("/Subtype") == "/FileAttachment"]
    return found


def test_a_pdf_opens_no_local_file_and_requests_no_url(server, tmp_path):
    base, received = server
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the PDF")
    html = f"""<!doctype html><html lang="en"><head><title>T</title>
      <link rel="stylesheet" href="{base}/style.css">
      <link rel="attachment" href="file:///etc/passwd">
      <link rel="attachment" href="{secret.as_uri()}">
      <style>@import url("{base}/import.css"); body {{ background: url("{base}/background.png") }}</style>
      </head><body><p>Declaration</p>
      <img src="file:///etc/passwd" alt=""><img src="{base}/image.png" alt="">
      <a rel="attachment" href="{base}/attached.txt">a</a>
      <img src="/static/../../../../etc/passwd" alt=""><img src="etc/passwd" alt="">
      </body></html>"""
    pdf = render_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert received == []
    assert attachments(pdf) == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:8000/",
        "https://example.org/static/dist/application.css",
        "data:text/plain,hello",
        f"{ASSET_BASE}etc/passwd",
        f"{ASSET_BASE}static/../manage.py",
        f"{ASSET_BASE}static/%2e%2e/manage.py",
        f"{ASSET_BASE}static/dist/../../manage.py",
        f"{ASSET_BASE}static/dist/application.css?x=1",
    ],
)
def test_the_fetcher_refuses_everything_but_static_assets(url):
    with pytest.raises(ValueError, match="only use the service's static assets"):
        StaticAssetsFetcher().fetch(url)


def test_the_fetcher_serves_the_services_static_assets():
    response = StaticAssetsFetcher().fetch(f"{ASSET_BASE}{settings.STATIC_URL.lstrip('/')}js/application.mjs")
    assert response.read() == (settings.BASE_DIR / "static" / "js" / "application.mjs").read_bytes()
