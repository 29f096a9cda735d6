"""Research Accreditation Panel meetings: the list, one meeting with its agenda, and the panel's decision on an
item (accredit with conditions, query or reject), through the meeting pages' form and service
(`reviews.meeting_views`, `reviews.services.record_agenda_decision`): a meeting short of its quorum, closed or
not yet held decides nothing, and a decision on an item that has moved on answers 409."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from reviews import services
from reviews.forms import AgendaDecisionForm
from reviews.models import AgendaItem, PanelMeeting

from ..forms import validated
from ..pagination import Cursor
from ..serializers.meetings import (
    AgendaItemSerializer,
    MeetingDetailSerializer,
    MeetingSerializer,
    PanelDecisionSerializer,
)
from .common import expected_state


class MeetingCursor(Cursor):
    ordering = ("-date", "-id")  # the meetings page's order: the latest first


class Meetings(GenericAPIView):
    needs = "reviews.view_meetings"
    serializer_class = MeetingSerializer
    pagination_class = MeetingCursor

    @extend_schema(
        operation_id="meetings_list",
        summary="The panel's meetings, the latest first",
        responses=MeetingSerializer(many=True),
    )
    def get(self, request):
        page = self.paginate_queryset(PanelMeeting.objects.all())
        return self.get_paginated_response(MeetingSerializer(page, many=True).data)


def _meeting(meeting_id) -> dict:
    meeting = get_object_or_404(PanelMeeting, pk=meeting_id)
    agenda = meeting.agenda.select_related("application").order_by("pk")
    return {**MeetingSerializer(meeting).data, "agenda": AgendaItemSerializer(agenda, many=True).data}


class Meeting(APIView):
    needs = "reviews.view_meetings"

    @extend_schema(
        operation_id="meetings_retrieve", summary="A panel meeting and its agenda", responses=MeetingDetailSerializer
    )
    def get(self, request, meeting_id):
        return Response(_meeting(meeting_id))


class PanelDecision(APIView):
    needs = "reviews.manage_meetings"

    @extend_schema(
        operation_id="meetings_item_decision",
        summary="The panel's decision on an agenda item: accredit (with any conditions), query or reject",
        request=PanelDecisionSerializer,
        responses=AgendaItemSerializer,
    )
    def post(self, request, meeting_id, item_id):
        item = get_object_or_404(AgendaItem, pk=item_id, meeting_id=meeting_id)
        seen = expected_state(request)
        form = validated(AgendaDecisionForm, request.data)
        decided = services.record_agenda_decision(
            item_id=item.pk,
            by=request.user,
            decision=form.cleaned_data["decision"],
            text=form.cleaned_data["text"],
            ends_on=form.cleaned_data.get("ends_on"),
            expected_state=seen,
        )
        decided = AgendaItem.objects.select_related("application").get(pk=decided.pk)
        return Response(AgendaItemSerializer(decided).data)
