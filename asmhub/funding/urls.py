from django.urls import path, re_path

from asmhub.funding import views, views_engagement

app_name = "funding"

urlpatterns = [
    path("", views.donor_list, name="donors"),
    re_path(
        r"^export/(?P<kind>donors|opportunities|concepts|projects|activities)\.(?P<fmt>csv|xlsx)$",
        views.export,
        name="export",
    ),
    path("donors/<slug:slug>/", views.donor_detail, name="donor"),
    path("donors/<slug:slug>/edit/", views.donor_edit, name="donor-edit"),
    path("donors/<slug:slug>/status/", views.donor_status, name="donor-status"),
    path("opportunities/", views.opportunity_list, name="opportunities"),
    path("opportunities/new/", views.opportunity_create, name="opportunity-create"),
    path("opportunities/<slug:slug>/", views.opportunity_detail, name="opportunity"),
    path("opportunities/<slug:slug>/edit/", views.opportunity_edit, name="opportunity-edit"),
    path("opportunities/<slug:slug>/status/", views.opportunity_status, name="opportunity-status"),
    path("concepts/", views.concept_list, name="concepts"),
    path("concepts/new/", views.concept_create, name="concept-create"),
    path("concepts/<slug:slug>/", views.concept_detail, name="concept"),
    path("concepts/<slug:slug>/match/", views.concept_match, name="concept-match"),
    path("concepts/<slug:slug>/edit/", views.concept_edit, name="concept-edit"),
    path("concepts/<slug:slug>/status/", views.concept_status, name="concept-status"),
    path("concepts/<slug:slug>/save/", views_engagement.save, name="concept-save"),
    path("concepts/<slug:slug>/interest/", views_engagement.interest, name="concept-interest"),
    path(
        "concepts/<slug:slug>/conversations/<slug:donor>/",
        views_engagement.conversation,
        name="conversation",
    ),
    path("saved/", views_engagement.saved, name="saved"),
    path("projects/", views.project_list, name="projects"),
    path("projects/<slug:slug>/", views.project_detail, name="project"),
    path("iati/", views.activity_list, name="activities"),
    path("iati/<path:identifier>/", views.activity_detail, name="activity"),
    path("pipeline/", views.application_list, name="applications"),
    path("pipeline/new/", views.application_create, name="application-create"),
    path("pipeline/<int:pk>/", views.application_detail, name="application"),
    path("pipeline/<int:pk>/edit/", views.application_edit, name="application-edit"),
    path("common-ground/", views.common_ground, name="common-ground"),
    re_path(
        r"^common-ground/matrix\.(?P<fmt>csv|xlsx)$",
        views.common_ground_export,
        name="common-ground-export",
    ),
]
