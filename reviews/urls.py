from django.urls import path

from . import access_views, amendment_views, closure_views, meeting_views, queue_views, views

app_name = "reviews"

urlpatterns = [
    path("", queue_views.queues, name="queue"),
    path("queues/<str:team>/", queue_views.team_queue, name="team_queue"),
    path("my-work/", queue_views.my_work, name="my_work"),
    path("applications/<uuid:pk>/", views.review, name="review"),
    path("applications/<uuid:pk>/assign/", queue_views.assign, name="assign"),
    path("applications/<uuid:pk>/notes/", queue_views.add_note, name="note"),
    path("applications/<uuid:pk>/intake/", views.intake, name="intake"),
    path("applications/<uuid:pk>/department/", views.department, name="department"),
    path("applications/<uuid:pk>/panel/", views.panel, name="panel"),
    path("applications/<uuid:pk>/delegated/", views.delegated, name="delegated"),
    path("applications/<uuid:pk>/close/", views.close, name="close"),
    path("amendments/", amendment_views.amendment_queue, name="amendments"),
    path("applications/<uuid:pk>/amendments/<int:number>/", amendment_views.amendment_review, name="amendment"),
    path("access/", access_views.access_list, name="access_list"),
    path("access/export.csv", access_views.access_export, name="access_export"),
    path("access/<int:pk>/", access_views.member_access, name="member_access"),
    path("closure-returns/", closure_views.closure_returns, name="closure_returns"),
    path("meetings/", meeting_views.meetings, name="meetings"),
    path("meetings/<int:meeting_id>/", meeting_views.meeting, name="meeting"),
    path("meetings/<int:meeting_id>/items/<int:item_id>/", meeting_views.agenda_item, name="agenda_item"),
    path("meetings/<int:meeting_id>/close/", meeting_views.close, name="meeting_close"),
    path("meetings/<int:meeting_id>/record.pdf", meeting_views.record_pdf, name="meeting_pdf"),
]
