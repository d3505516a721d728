from django.urls import path, re_path

from asmhub.directory import views

app_name = "directory"

urlpatterns = [
    path("organizations/", views.organization_list, name="organizations"),
    path("organizations/new/", views.organization_create, name="organization-create"),
    re_path(
        r"^organizations/export\.(?P<fmt>csv|xlsx)$",
        views.organization_export,
        name="organization-export",
    ),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization"),
    path("organizations/<slug:slug>/edit/", views.organization_edit, name="organization-edit"),
    path(
        "organizations/<slug:slug>/status/", views.organization_status, name="organization-status"
    ),
    path("people/", views.person_list, name="people"),
    path("people/new/", views.person_create, name="person-create"),
    re_path(r"^people/export\.(?P<fmt>csv|xlsx)$", views.person_export, name="person-export"),
    path("people/<slug:slug>/", views.person_detail, name="person"),
    path("people/<slug:slug>/edit/", views.person_edit, name="person-edit"),
    path("people/<slug:slug>/status/", views.person_status, name="person-status"),
    path(
        "people/<slug:slug>/personal-data/",
        views.person_personal_data,
        name="person-personal-data",
    ),
    path(
        "people/<slug:slug>/personal-data.json",
        views.person_personal_data_export,
        name="person-personal-data-export",
    ),
]
