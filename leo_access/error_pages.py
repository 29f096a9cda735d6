"""Error pages in the service's own layout, each saying what happened and offering a way on.

400, 403 and 404 are rendered with the request (navigation, the person's name); 500 without it, since the
database or the session may be what failed. A 405 from `require_POST` and friends has no body of its own, so
the middleware gives it the page.
"""

from django.conf import settings
from django.http import HttpResponseNotAllowed, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader

# Each answer's heading and explanation; the API's problem documents use the same headings.
MESSAGES = {
    400: ("Sorry, the service could not understand that request", "Go back and try again."),
    403: (
        "You cannot see this page",
        "Your account does not give you access to it. If you think it should, contact the team below.",
    ),
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. If you pasted it, check you copied the whole address.",
    ),
    405: (
        "This page cannot be opened directly",
        "It is the destination of a button or form. Go back to the page you came from and use it there.",
    ),
}


# Addresses under this prefix belong to the REST API (api/), which answers in problem documents (RFC 9457), also
# for an address that matches none of its routes.
API_PREFIX = "/api/"


def _api_problem(status: int, heading: str):
    body = {"type": "about:blank", "title": heading, "status": status, "detail": heading}
    return JsonResponse(body, status=status, content_type="application/problem+json")


def _page(request, status: int, heading: str, explanation: str, problems=()):
    if request.path.startswith(API_PREFIX):
        return _api_problem(status, heading)
    # Problems with what the person sent are shown in the error summary, as a form's errors are.
    context = {
        "heading": heading,
        "explanation": explanation,
        "status": status,
        "page_errors": [{"text": problem} for problem in problems],
    }
    return render(request, "error.html", context, status=status)


def bad_request(request, exception=None, problems=()):
    return _page(request, 400, *MESSAGES[400], problems or ["The request could not be understood."])


def permission_denied(request, exception=None):
    return _page(request, 403, *MESSAGES[403])


def page_not_found(request, exception=None):
    return _page(request, 404, *MESSAGES[404])


def server_error(request):
    # No request context: nothing here may read the database or the session.
    body = loader.get_template("500.html").render({"support_email": settings.SUPPORT_EMAIL})
    return HttpResponseServerError(body)


class MethodNotAllowedPageMiddleware:
    """Give the bare 405 Django answers a wrong method with (a GET of a form's action) the service's page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            page = _page(request, 405, *MESSAGES[405])
            page["Allow"] = response["Allow"]
            return page
        return response
