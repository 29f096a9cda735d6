from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from .docs import DocsView
from .views import access_list, applications, meetings, register, reviews
from .views.me import MeView

app_name = "api"

urlpatterns = [
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/docs/", DocsView.as_view(), name="docs"),
    path("v1/me/", MeView.as_view(), name="me"),
    path("v1/applications/", applications.ApplicationList.as_view(), name="applications"),
    path("v1/applications/<uuid:pk>/", applications.ApplicationDetail.as_view(), name="application"),
    path("v1/applications/<uuid:pk>/sections/<slug:slug>/", applications.Section.as_view(), name="section"),
    path(
        "v1/applications/<uuid:pk>/variable-request-forms/", applications.VariableRequestForms.as_view(), name="forms"
    ),
    path("v1/applications/<uuid:pk>/submit/", applications.Submit.as_view(), name="submit"),
    path("v1/applications/<uuid:pk>/resubmit/", applications.Resubmit.as_view(), name="resubmit"),
    path("v1/applications/<uuid:pk>/intake-decision/", reviews.IntakeDecision.as_view(), name="intake"),
    path("v1/applications/<uuid:pk>/department-decision/", reviews.DepartmentDecision.as_view(), name="department"),
    path("v1/queues/<str:team>/", reviews.Queue.as_view(), name="queue"),
    path("v1/meetings/", meetings.Meetings.as_view(), name="meetings"),
    path("v1/meetings/<int:meeting_id>/", meetings.Meeting.as_view(), name="meeting"),
    path(
        "v1/meetings/<int:meeting_id>/items/<int:item_id>/decision/",
        meetings.PanelDecision.as_view(),
        name="panel_decision",
    ),
    path("v1/reviews/<uuid:pk>/", reviews.Review.as_view(), name="review"),
    path("v1/register/", register.Register.as_view(), name="register"),
    path("v1/access-list/", access_list.AccessList.as_view(), name="access_list"),
]
