"""Text the database cannot store, refused once for every request.

PostgreSQL refuses a NUL character in any text value, so a NUL in a query string or a form would reach a query or
an insert as a server error. No person types one; it is refused here, before any view, form, filter or log reads
the request, with the service's "could not understand" page naming the problem in its error summary.
"""

from .error_pages import bad_request

NUL = "\x00"
PROBLEM = "What you sent contains a character that cannot be stored (a NUL character). Remove it and try again."


def contains_nul(data) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Uploaded files are bytes and are checked as files; only the form's text fields are read here.
        if contains_nul(request.GET) or (request.method == "POST" and contains_nul(request.POST)):
            return bad_request(request, problems=[PROBLEM])
        return self.get_response(request)
