"""Rendering HTML to PDF with WeasyPrint, fetching nothing but the service's own static assets.

WeasyPrint's default fetcher opens whatever a document names: `file:` URLs (a `<link rel="attachment">` embeds
the file in the PDF), `http:` URLs on any host (requests from inside our network), `data:` and more. Our PDF
templates draw with inline CSS only; at most they may name a static asset (`{% static %}`, which is
`STATIC_URL...`). So documents are rendered against `ASSET_BASE`, and the fetcher answers only for the static
files found under it; anything else is refused without being opened.
"""

import mimetypes
import posixpath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# The base every PDF is rendered against: a host that can never resolve (RFC 2606), only ever read by
# `StaticAssetsFetcher`, which serves STATIC_URL paths under it from the static files on disk.
ASSET_BASE = "https://leo-access.invalid/"
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}


class RefusedURL(ValueError):
    """A PDF named something outside the service's static assets."""


class StaticAssetsFetcher(URLFetcher):
    """Serves the service's static assets to WeasyPrint, and refuses every other URL without opening it."""

    def fetch(self, url, headers=None):
        path = self.asset_path(url)
        if path is None:
            raise RefusedURL(f"PDFs may only use the service's static assets, not {url[:200]!r}")
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        with open(path, "rb") as asset:
            body = asset.read()
        return URLFetcherResponse(url, body, {"Content-Type": content_type})

    @staticmethod
    def asset_path(url: str) -> str | None:
        """The file on disk for a static asset's URL under ASSET_BASE, or None."""
        prefix = ASSET_BASE + urlsplit(settings.STATIC_URL).path.lstrip("/")
        if not url.startswith(prefix) or any(mark in url for mark in "?#\\"):
            return None
        name = unquote(url[len(prefix) :])
        if (
            not name
            or "\x00" in name
            or "\\" in name
            or posixpath.normpath(name) != name
            or name.startswith(("/", ".."))
        ):
            return None
        found = finders.find(name)  # looks only inside the static directories (safe_join)
        return found if isinstance(found, str) else None


def html_to_pdf(html: str, **options) -> bytes:
    """The PDF of `html`, rendered with only the service's static assets available to it."""
    document = HTML(string=html, base_url=ASSET_BASE, url_fetcher=StaticAssetsFetcher(timeout=1))
    return document.write_pdf(**{**PDF_OPTIONS, **options})
