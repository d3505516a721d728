from django.urls import path

from asmhub.briefs import views

app_name = "briefs"

urlpatterns = [
    path("", views.brief_list, name="list"),
    path("countries/compare/", views.compare, name="compare"),
    path("countries/<str:code>/", views.country_page, name="country"),
    path("countries/<str:code>/profile.<str:kind>", views.country_file, name="country-file"),
    path("countries/<str:code>/figures/new/", views.figure_edit, name="figure-new"),
    path("countries/<str:code>/figures/<int:pk>/", views.figure_edit, name="figure-edit"),
    path("countries/<str:code>/facts/", views.facts_edit, name="facts-edit"),
    path("campaign/", views.campaign, name="campaign"),
    path("campaign/kit.<str:kind>", views.campaign_file, name="campaign-file"),
    path("campaign/message/", views.message_edit, name="message-edit"),
    path("campaign/resources/", views.resource_edit, name="resources"),
    path("campaign/resources/<int:pk>/", views.resource_edit, name="resource-edit"),
    path("press/", views.press, name="press"),
    path("press/edit/", views.press_edit, name="press-edit"),
    path("packs/", views.packs, name="packs"),
    path("packs/<slug:slug>/", views.pack_page, name="pack"),
    path("packs/<slug:slug>/pack.<str:kind>", views.pack_file, name="pack-file"),
    path("draft/<slug:issue>/", views.draft, name="draft"),
    path("<slug:slug>/", views.brief_page, name="brief"),
    path("<slug:slug>/working/", views.working, name="working"),
    path("<slug:slug>/working.<str:kind>", views.working_file, name="working-file"),
    path("<slug:slug>/sections/<slug:key>/", views.section_edit, name="section-edit"),
    path("<slug:slug>/publish/", views.publish, name="publish"),
    path("<slug:slug>/v<int:number>/", views.version_page, name="version"),
    path("<slug:slug>/v<int:number>.<str:kind>", views.version_file, name="version-file"),
]
