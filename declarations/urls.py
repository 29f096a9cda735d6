from django.urls import path

from . import views

app_name = "declarations"

urlpatterns = [
    path("application/<uuid:pk>/sign/", views.sign, name="sign"),
    path("application/<uuid:pk>/all.zip", views.archive, name="archive"),
    path("application/<uuid:pk>/grant-access/", views.grant, name="grant_access"),
    path("<int:pk>/document/", views.document, name="document"),
    path("verify/", views.verify, name="verify"),
]
