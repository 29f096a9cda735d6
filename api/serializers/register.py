"""What the public register publishes of each project (`applications.register.selectors.entries_for`)."""

from rest_framework import serializers

from applications.register.selectors import STATUS_LABELS


class RegisterTableSerializer(serializers.Serializer):
    dataset = serializers.CharField()
    table = serializers.CharField()


class RegisterEntrySerializer(serializers.Serializer):
    reference = serializers.CharField()
    title = serializers.CharField()
    lay_summary = serializers.CharField(allow_blank=True)
    organisations = serializers.ListField(child=serializers.CharField())
    public_benefit_purposes = serializers.ListField(child=serializers.CharField())
    datasets = serializers.ListField(child=serializers.CharField())
    tables = RegisterTableSerializer(many=True, help_text="The tables of the datasets approved")
    accredited_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=[(state.value, label) for state, label in STATUS_LABELS.items()])
    status_label = serializers.CharField()
    researchers = serializers.ListField(
        child=serializers.CharField(),
        allow_null=True,
        help_text="The researchers' names, or null where the project's co-ordinator did not agree to publish them",
    )
