from django.urls import path

from asmhub.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("search/", views.search_page, name="search"),
    path("healthz", views.healthz, name="healthz"),
    path("csrf/", views.csrf_cookie, name="csrf"),
    path("changes/", views.revision_list, name="revisions"),
    path("changes/<int:pk>/", views.revision_detail, name="revision"),
]
