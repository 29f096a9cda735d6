"""Who the API sees: the person, their roles and, with a token, its scope and expiry."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from leo_access.roles import roles_of

from ..models import ApiToken


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    token_scope = serializers.ChoiceField(choices=ApiToken.Scope.choices, allow_null=True)
    token_expires_at = serializers.DateTimeField(allow_null=True)


class MeView(APIView):
    needs = "account.manage"

    @extend_schema(responses=MeSerializer, operation_id="me", summary="The person the request acts as")
    def get(self, request):
        token = request.auth if isinstance(request.auth, ApiToken) else None
        return Response(
            MeSerializer(
                {
                    "email": request.user.email,
                    "full_name": request.user.full_name,
                    "roles": sorted(role.value for role in roles_of(request.user)),
                    "token_scope": token.scope if token else None,
                    "token_expires_at": token.expires_at if token else None,
                }
            ).data
        )
