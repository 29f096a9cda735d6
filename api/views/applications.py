"""A researcher's applications: list, read, start, answer sections, upload the data request, submit, resubmit.

Each operation checks what its page checks, validates with the page's form and calls the page's service."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import selectors, services
from applications.forms import NewApplicationForm, ResubmitForm, VariableRequestUploadForm
from applications.section_views import PAGES
from applications.views import detail_context

from ..forms import validated
from ..serializers.applications import (
    ApplicationDetailSerializer,
    ApplicationSummarySerializer,
    ExpectedStateSerializer,
    NewApplicationSerializer,
    ResubmitSerializer,
    UploadSerializer,
    VariableRequestFormSerializer,
)
from .common import allowed, expected_state, visible


def detail(request, application, status_code=status.HTTP_200_OK):
    context = detail_context(request._request, application)
    return Response(ApplicationDetailSerializer(context).data, status=status_code)


class ApplicationList(GenericAPIView):
    needs = {"GET": "application.list_own", "POST": "application.create"}
    serializer_class = ApplicationSummarySerializer

    def get_queryset(self):
        return selectors.applications_for_member(self.request.user)

    @extend_schema(
        operation_id="applications_list",
        summary="The applications one is a member of",
        responses=ApplicationSummarySerializer(many=True),
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="applications_create",
        summary="Start a new draft, with oneself as project co-ordinator",
        request=NewApplicationSerializer,
        responses={201: ApplicationDetailSerializer},
    )
    def post(self, request):
        form = validated(NewApplicationForm, request.data)
        application = services.create_application(title=form.cleaned_data["title"], by=request.user)
        return detail(request, application, status.HTTP_201_CREATED)


class ApplicationDetail(APIView):
    needs = "application.view"
    on_object = True

    @extend_schema(
        operation_id="applications_retrieve",
        summary="An application with its sections, answers, team, queries, forms and timeline",
        responses=ApplicationDetailSerializer,
    )
    def get(self, request, pk):
        return detail(request, visible(request, pk))


class Section(APIView):
    needs = "application.edit"
    on_object = True

    @extend_schema(
        operation_id="applications_section_update",
        summary="Save a section's answers (all of them), complete or not, while the application can be edited",
        description="The sections are the pages': " + ", ".join(PAGES) + ". Each takes the fields of its page's "
        "form (dates as YYYY-MM-DD), checked as the page checks them.",
        request={"application/json": OpenApiTypes.OBJECT, "multipart/form-data": OpenApiTypes.OBJECT},
        responses=ApplicationDetailSerializer,
    )
    def put(self, request, pk, slug):
        if slug not in PAGES:
            raise Http404("No such section")
        name, form_class, _ = PAGES[slug]
        application = allowed(request, "application.edit", pk)
        form = validated(form_class, request.data, request.FILES)
        saved = services.save_section(
            application_id=application.pk, by=request.user, section=name, values=form.values()
        )
        return detail(request, saved)


class VariableRequestForms(APIView):
    needs = {"GET": "application.view", "POST": "application.edit"}
    on_object = True

    @extend_schema(
        operation_id="applications_forms_list",
        summary="Every uploaded version of the Variable Request Form, newest first, with its findings",
        responses=VariableRequestFormSerializer(many=True),
    )
    def get(self, request, pk):
        application = visible(request, pk)
        forms = application.variable_request_forms.order_by("-version")
        return Response(VariableRequestFormSerializer(forms, many=True).data)

    @extend_schema(
        operation_id="applications_forms_upload",
        summary="Upload a new version of the Variable Request Form; it is checked shortly after",
        request={"multipart/form-data": UploadSerializer},
        responses={201: VariableRequestFormSerializer},
    )
    def post(self, request, pk):
        application = allowed(request, "application.edit", pk)
        form = validated(VariableRequestUploadForm, {}, request.FILES)
        upload = services.upload_variable_request_form(
            application_id=application.pk, by=request.user, uploaded=form.cleaned_data["file"]
        )
        return Response(VariableRequestFormSerializer(upload).data, status=status.HTTP_201_CREATED)


class Submit(APIView):
    needs = "application.submit"
    on_object = True

    @extend_schema(
        operation_id="applications_submit",
        summary="Submit a draft (409, with the problems, when it cannot be submitted yet)",
        request=ExpectedStateSerializer,
        responses=ApplicationDetailSerializer,
    )
    def post(self, request, pk):
        application = allowed(request, "application.submit", pk)
        seen = expected_state(request)
        submitted = services.submit_application(application_id=application.pk, by=request.user, expected_state=seen)
        return detail(request, submitted)


class Resubmit(APIView):
    needs = "application.resubmit"
    on_object = True

    @extend_schema(
        operation_id="applications_resubmit",
        summary="Answer the open query and return the application to the stage that asked",
        request=ResubmitSerializer,
        responses=ApplicationDetailSerializer,
    )
    def post(self, request, pk):
        application = allowed(request, "application.resubmit", pk)
        seen = expected_state(request)
        form = validated(ResubmitForm, request.data)
        resubmitted = services.resubmit_application(
            application_id=application.pk, by=request.user, answers=form.cleaned_data["answers"], expected_state=seen
        )
        return detail(request, resubmitted)
