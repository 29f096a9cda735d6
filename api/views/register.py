"""The public register for programs: the same projects, filters and search as `/register/`, read through the same
selector and kept in the same cache, open to everyone with no session or token."""

from urllib.parse import urlencode

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from applications.register import cache, selectors
from applications.register.forms import RegisterSearchForm

from ..forms import errors_of
from ..pagination import Cursor
from ..serializers.register import RegisterEntrySerializer

REGISTER_PARAMETERS = [
    OpenApiParameter("q", str, description="Words in the reference, title, lay summary or an organisation's name"),
    OpenApiParameter("dataset", str, description="Only projects using this dataset (one of the catalogue's)"),
    OpenApiParameter("organisation", str, description="Only projects with a researcher from this organisation"),
    OpenApiParameter("year", int, description="Only projects accredited in this year"),
    OpenApiParameter(
        "status",
        str,
        enum=[state.value for state in selectors.STATUS_LABELS],
        description="Only projects at this status",
    ),
]


def canonical_address(request) -> str:
    """The address with only the parameters that change the answer, in a fixed order: what a page is kept under,
    and what its links to the next and previous pages are built on (so that no stray parameter is carried on)."""
    names = (*RegisterSearchForm.base_fields, "page_size")
    query = urlencode(sorted((name, request.query_params[name]) for name in names if request.query_params.get(name)))
    return request.build_absolute_uri(request.path) + (f"?{query}" if query else "")


class RegisterCursor(Cursor):
    # The register's own order (`selectors.register_queryset`): most recently accredited first.
    ordering = ("-accredited_at", "reference")

    def paginate_queryset(self, queryset, request, view=None):
        page = super().paginate_queryset(queryset, request, view)
        self.base_url = canonical_address(request)
        return page


def register_filters(params, version: str) -> selectors.RegisterFilters:
    """The filters, read by the page's own form: a value that is no filter is a 400 naming it, in the page's words."""
    form = RegisterSearchForm(params, cache.cached(("options",), selectors.filter_options, at=version))
    if not form.is_valid():
        raise ValidationError(errors_of(form))
    return form.filters()


class Register(GenericAPIView):
    authentication_classes = []  # public: a token or session would change nothing that is answered
    permission_classes = [AllowAny]
    serializer_class = RegisterEntrySerializer
    pagination_class = RegisterCursor

    @extend_schema(
        operation_id="register_list",
        summary="The public register of accredited projects",
        parameters=REGISTER_PARAMETERS,
        responses=RegisterEntrySerializer(many=True),
        auth=[],
    )
    def get(self, request):
        # Kept until the register changes, as the page is (in this process and in the shared cache), under the
        # address and the cursor; kept only once answered, so a kept page means the address was valid.
        address = f"api {canonical_address(request)} {request.query_params.get('cursor', '')}"
        version, kept = cache.page(address)
        if kept is None:
            filters = register_filters(request.query_params, version)
            rows = self.paginate_queryset(selectors.register_queryset(filters).values(*selectors.FIELDS))
            # The selector's rows are what RegisterEntrySerializer describes, field for field (the schema test
            # checks every answer against it): sent as they are, without building a serializer for each.
            kept = self.get_paginated_response(selectors.entries_for(rows)).data
            cache.keep_page(kept, version, address)
        return Response(kept)
