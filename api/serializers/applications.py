"""What the API shows of an application: what its status page shows, as data."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from applications.models import Application, VariableRequestForm
from applications.rules import SECTION_NAMES
from applications.sections import SECTION_FIELDS
from applications.states import State
from applications.templatetags.applications import event_label, role_label

# The timeline names the person who acted only to staff, or where a researcher acted (as the page does).
RESEARCHER_ACTOR_ROLES = ("coordinator", "researcher")


class ApplicationSummarySerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = Application
        fields = ["id", "reference", "title", "state", "state_label", "created_at", "updated_at", "submitted_at"]
        read_only_fields = fields


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()


class MemberSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField()
    role = serializers.CharField()
    status = serializers.CharField()


class QuerySerializer(serializers.Serializer):
    stage = serializers.CharField()
    questions = serializers.CharField()
    raised_at = serializers.DateTimeField()
    answers = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)


class DepartmentReviewSerializer(serializers.Serializer):
    department = serializers.CharField()
    decision = serializers.CharField()
    reasons = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)


class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    label = serializers.CharField()
    by = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    comment = serializers.CharField()


class FindingSerializer(serializers.Serializer):
    severity = serializers.CharField()
    code = serializers.CharField()
    sheet = serializers.CharField(allow_null=True)
    cell = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class VariableRequestFormSerializer(serializers.ModelSerializer):
    status = serializers.CharField(source="validation_status")
    status_label = serializers.CharField(source="get_validation_status_display")
    valid = serializers.SerializerMethodField()
    findings = serializers.SerializerMethodField()

    class Meta:
        model = VariableRequestForm
        fields = ["version", "original_name", "size", "sha256", "uploaded_at", "status", "status_label", "valid"]
        fields += ["validated_at", "findings"]
        read_only_fields = fields

    def get_valid(self, form) -> bool | None:
        return form.result.get("valid") if form.result else None

    @extend_schema_field(FindingSerializer(many=True))
    def get_findings(self, form):
        findings = (form.result or {}).get("findings", [])
        return FindingSerializer(findings, many=True).data


def _answers(application) -> dict:
    answers = {}
    for section, names in SECTION_FIELDS.items():
        values = {}
        for name in names:
            value = getattr(application, name)
            # The letter is a file: say whether there is one; it is downloaded from its page.
            values[name] = bool(value) if name == "ethics_approval_letter" else value
        answers[section.value] = values
    return answers


class ApplicationDetailSerializer(serializers.Serializer):
    """Built from the status page's own context (`applications.views.detail_context`)."""

    id = serializers.UUIDField(source="application.id")
    reference = serializers.CharField(source="application.reference")
    title = serializers.CharField(source="application.title")
    state = serializers.ChoiceField(source="application.state", choices=State.choices)
    state_label = serializers.CharField(source="application.get_state_display")
    explanation = serializers.CharField()
    may_edit = serializers.BooleanField()
    created_at = serializers.DateTimeField(source="application.created_at")
    updated_at = serializers.DateTimeField(source="application.updated_at")
    submitted_at = serializers.DateTimeField(source="application.submitted_at", allow_null=True)
    sections = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()
    team = serializers.SerializerMethodField()
    queries = QuerySerializer(many=True)
    department_reviews = DepartmentReviewSerializer(many=True)
    variable_request_forms = VariableRequestFormSerializer(source="forms", many=True)
    timeline = serializers.SerializerMethodField()

    @extend_schema_field(SectionSerializer(many=True))
    def get_sections(self, context):
        rows = [
            {"key": key, "name": str(SECTION_NAMES[key]), "status": str(status)}
            for key, _, status, _ in context["sections"]
        ]
        return SectionSerializer(rows, many=True).data

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "object"}})
    def get_answers(self, context):
        return _answers(context["application"])

    @extend_schema_field(MemberSerializer(many=True))
    def get_team(self, context):
        rows = [
            {
                "email": member.email,
                "name": (member.user.full_name if member.user else "") or member.email,
                "role": member.role,
                "status": member.status,
            }
            for member in context["members"]
        ]
        return MemberSerializer(rows, many=True).data

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, context):
        staff = context["is_staff_viewer"]
        rows = []
        for event in context["events"]:
            named = event.actor and (staff or event.actor_role in RESEARCHER_ACTOR_ROLES)
            rows.append(
                {
                    "at": event.at,
                    "kind": event.kind,
                    "label": event_label(event),
                    "by": str(event.actor) if named else role_label(event.actor_role),
                    "from_state": event.from_state,
                    "to_state": event.to_state,
                    "comment": event.comment,
                }
            )
        return EventSerializer(rows, many=True).data


class NewApplicationSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=250, help_text="The project's title (checked as the page checks it).")


class ExpectedStateSerializer(serializers.Serializer):
    expected_state = serializers.ChoiceField(
        choices=State.choices,
        required=False,
        help_text="The state you saw; if the application has moved on since, the answer is 409.",
    )


class ResubmitSerializer(ExpectedStateSerializer):
    answers = serializers.CharField(max_length=20000, help_text="Your answers to the questions.")


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The completed Variable Request Form (.xlsx).")
