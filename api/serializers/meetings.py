"""What the API shows of Research Accreditation Panel meetings, their agendas, and the panel's decision input."""

from rest_framework import serializers

from applications.states import State
from reviews.forms import AgendaDecisionForm
from reviews.models import AgendaItem, PanelMeeting


class MeetingSerializer(serializers.ModelSerializer):
    members_present = serializers.ListField(source="members", child=serializers.CharField())
    independent_members = serializers.ListField(source="independents", child=serializers.CharField())
    quorum_problem = serializers.CharField(
        allow_null=True, help_text="Why the meeting cannot decide (null when it is quorate)"
    )

    class Meta:
        model = PanelMeeting
        fields = ["id", "date", "status", "members_present", "independent_members", "quorum_problem", "closed_at"]
        read_only_fields = fields


class AgendaItemSerializer(serializers.ModelSerializer):
    application_id = serializers.UUIDField()
    reference = serializers.CharField(source="application.reference")
    title = serializers.CharField(source="application.title")
    state = serializers.ChoiceField(source="application.state", choices=State.choices)

    class Meta:
        model = AgendaItem
        fields = ["id", "application_id", "reference", "title", "state", "outcome", "note", "decided_at"]
        read_only_fields = fields


class MeetingDetailSerializer(MeetingSerializer):
    agenda = AgendaItemSerializer(many=True)

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "agenda"]
        read_only_fields = fields


class PanelDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=AgendaDecisionForm.choices)
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20000,
        help_text="Conditions of accreditation (optional), or the reasons for rejecting, or the questions",
    )
    ends_on = serializers.DateField(required=False, allow_null=True, help_text="When accreditation ends (to accredit)")
    expected_state = serializers.ChoiceField(choices=State.choices, required=False)
