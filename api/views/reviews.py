"""Staff: their team's queue (the page's selector and filters), an application's review, and the decisions their
role may take (the pages' forms and services)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from applications.states import State
from applications.views import detail_context
from leo_access.roles import department_of
from leo_access.teams import Team, teams_of
from reviews import decisions, selectors
from reviews.forms import DepartmentForm, IntakeForm, QueueFilterForm

from ..forms import validated
from ..pagination import Cursor
from ..serializers.reviews import (
    DepartmentDecisionSerializer,
    IntakeDecisionSerializer,
    QueueRowSerializer,
    ReviewSerializer,
)
from .common import allowed, expected_state

QUEUE_PARAMETERS = [
    OpenApiParameter("q", str, description="A reference, or words in the title or a team member's name or e-mail"),
    OpenApiParameter("state", str, enum=list(selectors.QUEUE_STATES), description="At the stage, or queried"),
    OpenApiParameter("dataset", str, description="Only applications requesting this dataset"),
    OpenApiParameter("overdue", str, enum=["1"], description="Only those past their stage's service level"),
    OpenApiParameter("mine", str, enum=["1"], description="Only those assigned to oneself"),
    OpenApiParameter("sort", str, enum=list(selectors.SORTS), description="Order, as on the queue page"),
]


def queue_filters(params) -> selectors.QueueFilters:
    """The queue's filters, read by the page's own form; a value that is no filter is a 400 naming it."""
    form = QueueFilterForm(params or None)
    filters = form.filters()
    if form.errors:
        raise ValidationError({field: [str(error) for error in errors] for field, errors in form.errors.items()})
    return filters


class QueueCursor(Cursor):
    def get_ordering(self, request, queryset, view):
        return selectors.ordering(queue_filters(request.query_params).sort)


class Queue(GenericAPIView):
    needs = "reviews.view_queue"
    serializer_class = QueueRowSerializer
    pagination_class = QueueCursor

    @extend_schema(
        operation_id="queues_retrieve",
        summary="A team's queue",
        parameters=QUEUE_PARAMETERS,
        responses=QueueRowSerializer(many=True),
    )
    def get(self, request, team):
        try:
            team = Team(team)
        except ValueError:
            raise Http404("No such queue") from None
        if team not in teams_of(request.user):
            raise PermissionDenied
        filters = queue_filters(request.query_params)
        page = self.paginate_queryset(selectors.queue(team, request.user, filters))
        rows = QueueRowSerializer(page, many=True, context={"now": timezone.now()})
        return self.get_paginated_response(rows.data)


def review_context(request, application) -> dict:
    """The review page's context (`reviews.views.review`), from the same selectors."""
    department = department_of(request.user)
    team = selectors.team_for_application(request.user, application)
    context = detail_context(request._request, application)
    return context | {
        "team": team.value if team else None,
        "notes": [
            {
                "author": str(note.author),
                "author_role": note.author_role,
                "text": note.text,
                "created_at": note.created_at,
            }
            for note in selectors.notes_for(request.user, application)
        ],
        "requested": selectors.requested_tables(context["current_form"], department.value if department else None),
        "intake_checks": (
            list(application.intake_checks.values_list("item", flat=True))
            if application.state == State.RAS_CHECK
            else []
        ),
        "assignments": [
            {"team": a.team, "assignee": str(a.assignee)} for a in application.assignments.select_related("assignee")
        ],
    }


def review(request, application):
    application.refresh_from_db()
    return Response(ReviewSerializer(review_context(request, application)).data)


class Review(APIView):
    needs = "reviews.view_queue"
    on_object = True

    @extend_schema(
        operation_id="reviews_retrieve", summary="An application as staff review it", responses=ReviewSerializer
    )
    def get(self, request, pk):
        return review(request, allowed(request, "reviews.view_queue", pk))


class IntakeDecision(APIView):
    needs = "application.pass_intake"
    on_object = True

    @extend_schema(
        operation_id="applications_intake_decision",
        summary="RAS intake: tick the checklist, and pass, query or reject",
        request=IntakeDecisionSerializer,
        responses=ReviewSerializer,
    )
    def post(self, request, pk):
        application = allowed(request, "application.pass_intake", pk)
        seen = expected_state(request)
        form = validated(IntakeForm, request.data)
        decisions.intake(application_id=application.pk, by=request.user, data=form.cleaned_data, expected_state=seen)
        return review(request, application)


class DepartmentDecision(APIView):
    needs = "application.decide_department"
    on_object = True

    @extend_schema(
        operation_id="applications_department_decision",
        summary="One's own department's decision (approved or rejected), or questions for the applicant",
        request=DepartmentDecisionSerializer,
        responses=ReviewSerializer,
    )
    def post(self, request, pk):
        application = allowed(request, "application.decide_department", pk)
        seen = expected_state(request)
        form = validated(DepartmentForm, request.data)
        decisions.department(
            application_id=application.pk, by=request.user, data=form.cleaned_data, expected_state=seen
        )
        return review(request, application)
