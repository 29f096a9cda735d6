from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("applications/<uuid:pk>/intake/", views.intake, name="intake"),
    path("applications/<uuid:pk>/department/", views.department, name="department"),
    path("applications/<uuid:pk>/panel/", views.panel, name="panel"),
    path("applications/<uuid:pk>/grant-access/", views.grant, name="grant_access"),
    path("applications/<uuid:pk>/close/", views.close, name="close"),
]
