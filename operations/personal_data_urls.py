from django.urls import path

from . import personal_data_views

app_name = "people"

urlpatterns = [path("<int:person_id>/personal-data/", personal_data_views.personal_data, name="personal_data")]
