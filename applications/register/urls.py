from django.urls import path

from . import views

app_name = "register"

urlpatterns = [
    path("", views.index, name="index"),
    path("register.csv", views.download_csv, name="csv"),
    path("register.json", views.download_json, name="json"),
    path("feed.atom", views.feed, name="feed"),
]
