from django.urls import path

from . import views

app_name = "tracking"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("charts/funnel.svg", views.funnel_chart, name="chart_funnel"),
    path("charts/throughput.svg", views.throughput_chart, name="chart_throughput"),
    path("charts/stage-days.svg", views.stage_days_chart, name="chart_stage_days"),
    path("applications/", views.application_list, name="applications"),
    path("register/", views.register, name="register"),
    path("export/<slug:kind>/", views.export, name="export"),
    path("exports/<uuid:pk>/", views.export_detail, name="export_detail"),
    path("exports/<uuid:pk>/status/", views.export_status, name="export_status"),
    path("exports/<uuid:pk>/download/", views.export_download, name="export_download"),
]
