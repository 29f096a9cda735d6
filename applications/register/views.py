"""The public register: the page, its CSV and JSON downloads and its Atom feed. Open to everyone, signed in or not.

The views are thin: the register is read by `selectors` and kept by `cache`; what is published is decided there.
"""

import csv
import json
from math import ceil
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from leo_access.spreadsheets import neutralise

from . import cache, selectors
from .feeds import NewlyAccredited
from .forms import RegisterSearchForm, page_number

PAGE_SIZE = 20
CSV_COLUMNS = [
    "Reference",
    "Title",
    "Lay summary",
    "Organisations",
    "Public benefit purposes",
    "Datasets",
    "Tables approved",
    "Accredited on",
    "Ends on",
    "Status",
    "Researchers",
    "Outputs",
]
NOT_PUBLISHED = "Not published"


FILTER_NAMES = ("q", "dataset", "organisation", "year", "status")


def _search_form(request, version: str | None = None) -> RegisterSearchForm:
    return RegisterSearchForm(request.GET, cache.cached(("options",), selectors.filter_options, at=version))


def _address(request) -> str:
    """The page's search, filters and page number as asked for: what its cached content is kept under. Content is
    stored only for a valid address, so finding it means the address was valid at this version of the register."""
    return urlencode(sorted((name, request.GET.get(name, "")) for name in (*FILTER_NAMES, "page")))


def _content(filters: selectors.RegisterFilters, number: int, options: dict) -> dict:
    """The page's content below its heading, rendered: the form showing the filters, the downloads and one page of
    projects. What is cached, so it depends on nothing but its key: never on the request or the person."""
    total = selectors.count(filters)
    pages = max(1, ceil(total / PAGE_SIZE))
    if number > pages:
        return {"pages": pages, "html": ""}
    start = (number - 1) * PAGE_SIZE
    projects = selectors.register_entries(filters, start=start, stop=start + PAGE_SIZE)
    query = urlencode(filters.query())
    html = render_to_string(
        "register/includes/content.html",
        {
            "form": RegisterSearchForm(filters.query(), options),
            "download_query": f"?{query}" if query else "",
            "projects": projects,
            "count": total,
            "number": number,
            "pages": pages,
            "first": start + 1,
            "last": start + len(projects),
            "previous_query": urlencode({**filters.query(), "page": number - 1}),
            "next_query": urlencode({**filters.query(), "page": number + 1}),
        },
    )
    return {"pages": pages, "html": html}


def _page(request, context: dict, status: int = 200):
    context.setdefault("feed_url", reverse("register:feed"))
    return render(request, "register/index.html", context, status=status)


@require_GET
def index(request):
    address = _address(request)
    version, content = cache.page(address)
    if content is not None and content["html"]:
        return _page(request, {"content": mark_safe(content["html"])})  # noqa: S308 - our template, autoescaped
    form = _search_form(request, version)
    if not form.is_valid():
        return _page(request, {"form": form}, status=400)
    filters = form.filters()
    query = urlencode(filters.query())
    first_page = f"?{query}" if query else "?"
    try:
        number = page_number(request.GET.get("page"))
    except ValidationError as error:
        errors = [{"text": f"{error.message}. Go to the first page.", "href": first_page}]
        return _page(request, {"form": form, "page_errors": errors}, status=400)
    if content is None:
        options = cache.cached(("options",), selectors.filter_options, at=version)
        content = _content(filters, number, options)
        cache.keep_page(content, version, address)
    if not content["html"]:
        pages = content["pages"]
        errors = [
            {
                "text": f"There is no page {number}: the register has {pages} page{'s' if pages > 1 else ''} "
                "for this search. Go to the first page.",
                "href": first_page,
            }
        ]
        return _page(request, {"form": form, "page_errors": errors}, status=404)
    return _page(request, {"content": mark_safe(content["html"])})  # noqa: S308 - our template, autoescaped


def _refused(form) -> JsonResponse:
    errors = {name: [str(message) for message in messages] for name, messages in form.errors.items()}
    return JsonResponse({"errors": errors}, status=400)


class _Echo:
    def write(self, value):
        return value


def _csv_row(entry: dict) -> list[str]:
    researchers = entry["researchers"]
    cells = [
        entry["reference"],
        entry["title"],
        entry["lay_summary"],
        "; ".join(entry["organisations"]),
        "; ".join(entry["public_benefit_purposes"]),
        "; ".join(entry["datasets"]),
        "; ".join(f"{table['dataset']}: {table['table']}" for table in entry["tables"]),
        entry["accredited_on"].isoformat() if entry["accredited_on"] else "",
        entry["ends_on"].isoformat() if entry["ends_on"] else "",
        entry["status_label"],
        NOT_PUBLISHED if researchers is None else "; ".join(researchers),
        "; ".join(_output_cell(output) for output in entry["outputs"]),
    ]
    return [neutralise(cell) for cell in cells]


def _output_cell(output: dict) -> str:
    checked = "output-checked" if output["output_checked"] else "not output-checked"
    return f"{output['title']} ({output['type']}, {output['date'].isoformat()}, {output['doi_or_url']}, {checked})"


def _filename(extension: str) -> str:
    return f'attachment; filename="leo-register-{timezone.localdate():%Y%m%d}.{extension}"'


@require_GET
def download_csv(request):
    form = _search_form(request)
    if not form.is_valid():
        return _refused(form)
    writer = csv.writer(_Echo())
    rows = (writer.writerow(_csv_row(entry)) for entry in selectors.iter_register_entries(form.filters()))

    def lines():
        yield writer.writerow(CSV_COLUMNS)
        yield from rows

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _filename("csv")
    return response


@require_GET
def download_json(request):
    form = _search_form(request)
    if not form.is_valid():
        return _refused(form)
    filters = form.filters()
    head = {
        "register": request.build_absolute_uri(reverse("register:index")),
        "generated_at": timezone.now(),
        "filters": filters.query(),
    }

    def chunks():
        opening = json.dumps(head, cls=DjangoJSONEncoder)
        yield opening[:-1] + ', "projects": ['
        for index, entry in enumerate(selectors.iter_register_entries(filters)):
            yield ("," if index else "") + json.dumps(entry, cls=DjangoJSONEncoder)
        yield "]}"

    response = StreamingHttpResponse(chunks(), content_type="application/json")
    response["Content-Disposition"] = _filename("json")
    return response


@require_GET
def feed(request):
    """The Atom feed of newly accredited projects, kept with the register's pages."""
    host = request.get_host()
    body = cache.cached(("feed", request.scheme, host), lambda: NewlyAccredited()(request).content)
    return HttpResponse(body, content_type=NewlyAccredited.content_type)
