"""The OpenAPI description: every operation lists the problem documents (RFC 9457) it may answer with."""

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from .problems import PROBLEM_CONTENT_TYPE


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="Always about:blank: the status code says what kind of problem it is.")
    title = serializers.CharField(help_text="The same heading the service's pages show for this answer.")
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="What went wrong, in words a person can act on.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Validation problems: each field's messages, as the pages show them.",
    )
    problems = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Why the application cannot move on yet."
    )
    current_state = serializers.CharField(
        required=False, help_text="With 409: the state the application is in now, which the request did not expect."
    )

    class Meta:
        ref_name = "Problem"


EVERY_OPERATION = {"400", "401", "403", "404", "406", "429"}
UNSAFE_OPERATION = {"409", "415"}


class ProblemAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = EVERY_OPERATION | (UNSAFE_OPERATION if self.method not in ("GET", "HEAD", "OPTIONS") else set())
        for code in sorted(codes - set(responses)):
            responses[code] = self._get_response_for_code(ProblemSerializer, code, [PROBLEM_CONTENT_TYPE], direction)
        return responses
