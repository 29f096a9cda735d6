"""What the API shows staff: a queue's rows, an application's review, the decision inputs, the access list."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from applications import service_levels
from applications.models import Application, split
from applications.states import State
from reviews.forms import DepartmentForm, IntakeForm
from reviews.models import IntakeItem

from .applications import ApplicationDetailSerializer


class QueueRowSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display")
    datasets = serializers.SerializerMethodField()
    days_at_stage = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = ["id", "reference", "title", "state", "state_label", "stage_entered_at", "datasets"]
        fields += ["days_at_stage", "overdue"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_datasets(self, application):
        return split(application.requested_datasets)

    def get_days_at_stage(self, application) -> int:
        return service_levels.days_at_stage(application.stage_entered_at, self.context["now"])

    def get_overdue(self, application) -> bool:
        return service_levels.is_overdue(application.state, application.stage_entered_at, self.context["now"])


class NoteSerializer(serializers.Serializer):
    author = serializers.CharField()
    author_role = serializers.CharField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class RequestedTableSerializer(serializers.Serializer):
    dataset = serializers.CharField()
    table = serializers.CharField()
    requested = serializers.CharField(allow_null=True)
    owner = serializers.CharField()
    variables = serializers.IntegerField()
    own = serializers.BooleanField()


class AssignmentSerializer(serializers.Serializer):
    team = serializers.CharField()
    assignee = serializers.CharField()


class ReviewSerializer(ApplicationDetailSerializer):
    """The status page's data, and what only staff see: internal notes (those one may read), the tables requested
    with their holders, the intake checklist and assignments."""

    team_holding = serializers.CharField(source="team", allow_null=True)
    notes = NoteSerializer(many=True)
    requested_tables = RequestedTableSerializer(source="requested", many=True)
    intake_checks = serializers.SerializerMethodField()
    assignments = AssignmentSerializer(many=True)

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=IntakeItem.choices)))
    def get_intake_checks(self, context):
        return sorted(context["intake_checks"])


class IntakeDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=IntakeForm.choices)
    text = serializers.CharField(required=False, allow_blank=True, max_length=20000, help_text="Reasons or questions")
    checks = serializers.ListField(
        child=serializers.ChoiceField(choices=IntakeItem.choices), required=False, help_text="Checklist items ticked"
    )
    expected_state = serializers.ChoiceField(choices=State.choices, required=False)


class DepartmentDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=DepartmentForm.choices)
    text = serializers.CharField(required=False, allow_blank=True, max_length=20000, help_text="Reasons or questions")
    expected_state = serializers.ChoiceField(choices=State.choices, required=False)


class AccessEntrySerializer(serializers.Serializer):
    application_id = serializers.UUIDField()
    reference = serializers.CharField(source="application.reference")
    title = serializers.CharField(source="application.title")
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.full_name")
    accreditation_reference = serializers.SerializerMethodField()
    access_granted_at = serializers.DateTimeField(source="granted_at")
    access_starts_on = serializers.DateField(source="valid_from")
    access_ends_on = serializers.DateField(source="valid_until", allow_null=True)

    def get_accreditation_reference(self, access) -> str:
        profile = getattr(access.user, "researcher_profile", None)
        return profile.accreditation_reference if profile else ""


class AccessListSerializer(serializers.Serializer):
    entries = AccessEntrySerializer(many=True)
