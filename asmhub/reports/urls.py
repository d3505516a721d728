from django.urls import path

from asmhub.reports import views, views_triage

app_name = "reports"

urlpatterns = [
    path("", views.public, name="public"),
    path("new/", views.report_new, name="new"),
    path("status/", views.status, name="status"),
    path("sms/inbound", views.sms_inbound, name="sms-inbound"),
    path("triage/", views_triage.triage, name="triage"),
    path("triage/<int:pk>/", views_triage.report_detail, name="report"),
    path("triage/<int:pk>/step/", views_triage.step, name="step"),
    path("triage/<int:pk>/photo/", views_triage.photo, name="photo"),
    path("figures/", views_triage.figures, name="figures"),
    path("figures.<str:fmt>", views_triage.figures_export, name="figures-export"),
]
