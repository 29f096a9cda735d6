"""The access list for the Secure Research Service: who may use which project's data, until when (each member's
active access record).

Answered with a strong ETag (the SHA-256 of the list as sent); a poller that sends it back in If-None-Match gets
304 and no body while nothing has changed."""

import hashlib

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from applications.member_access.selectors import AccessFilters, access_list
from applications.models import MemberAccess

from ..serializers.reviews import AccessListSerializer


def _matches(header: str, etag: str) -> bool:
    candidates = [candidate.strip().removeprefix("W/") for candidate in header.split(",")]
    return "*" in candidates or etag in candidates


class AccessList(APIView):
    needs = "access.view"

    @extend_schema(
        operation_id="access_list_retrieve",
        summary="Who has access to which project's data, until when",
        parameters=[
            OpenApiParameter("If-None-Match", str, OpenApiParameter.HEADER, description="The ETag of the list you hold")
        ],
        responses={
            200: AccessListSerializer,
            304: OpenApiResponse(description="The list has not changed since the ETag sent"),
        },
    )
    def get(self, request):
        # The access records the pages show (one home: applications.member_access): whoever is not listed as
        # active, suspended or ended, has no access.
        data = AccessListSerializer({"entries": access_list(AccessFilters(status=MemberAccess.Status.ACTIVE))}).data
        etag = '"' + hashlib.sha256(JSONRenderer().render(data)).hexdigest() + '"'
        if _matches(request.headers.get("If-None-Match", ""), etag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(data, headers={"ETag": etag})
