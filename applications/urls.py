from django.urls import path

from . import amendment_views, condition_views, data_views, section_views, team_views, views
from .closure import views as closure_views

app_name = "applications"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("new/", views.application_create, name="create"),
    path("<uuid:pk>/", views.application_detail, name="detail"),
    path("<uuid:pk>/submit/", views.application_submit, name="submit"),
    path("<uuid:pk>/resubmit/", views.application_resubmit, name="resubmit"),
    path("<uuid:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path("<uuid:pk>/sections/<slug:slug>/", section_views.section, name="section"),
    path("<uuid:pk>/team/", team_views.team, name="team"),
    path("<uuid:pk>/team/remove/", team_views.remove, name="team_remove"),
    path("<uuid:pk>/team/hand-over/", team_views.hand_over, name="team_hand_over"),
    path("invitations/<int:member_id>/", team_views.respond, name="invitation_respond"),
    path("<uuid:pk>/check/", views.check_answers, name="check"),
    path("<uuid:pk>/submitted/", views.submitted, name="submitted"),
    path("<uuid:pk>/copy/", views.application_copy, name="copy"),
    path("<uuid:pk>/data/", data_views.data_request, name="data"),
    path("<uuid:pk>/data/status/", data_views.data_request_status, name="data_status"),
    path("<uuid:pk>/data/template.xlsx", data_views.form_template, name="form_template"),
    path("<uuid:pk>/data/forms/<int:version>/", data_views.form_download, name="form_download"),
    path("<uuid:pk>/conditions/", condition_views.condition_list, name="conditions"),
    path(
        "<uuid:pk>/conditions/<int:condition_id>/evidence/",
        condition_views.condition_evidence,
        name="condition_evidence",
    ),
    path(
        "<uuid:pk>/conditions/<int:condition_id>/evidence/document/",
        condition_views.condition_evidence_file,
        name="condition_evidence_file",
    ),
    path("<uuid:pk>/conditions/<int:condition_id>/decide/", condition_views.condition_decide, name="condition_decide"),
    path("<uuid:pk>/close/", closure_views.close_early, name="close_early"),
    path("<uuid:pk>/closure-return/", closure_views.closure_return, name="closure_return"),
    path("<uuid:pk>/amendments/", amendment_views.amendment_list, name="amendments"),
    path("<uuid:pk>/amendments/<int:number>/", amendment_views.amendment_detail, name="amendment"),
    path("<uuid:pk>/ethics-letter.pdf", data_views.ethics_letter, name="ethics_letter"),
]
