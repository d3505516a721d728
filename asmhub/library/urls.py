from django.urls import path

from asmhub.library import views, views_stories

app_name = "library"

urlpatterns = [
    path("", views.search_page, name="search"),
    path("new/", views.resource_create, name="resource-create"),
    path("facts/", views_stories.fact_list, name="facts"),
    path("facts/<int:pk>/", views_stories.fact_detail, name="fact"),
    path("facts/<int:pk>/status/", views_stories.fact_status, name="fact-status"),
    path("stories/", views_stories.story_list, name="stories"),
    path("stories/<slug:slug>/", views_stories.story_detail, name="story"),
    path("stories/<slug:slug>/stage/", views_stories.story_stage, name="story-stage"),
    path("stories/<slug:slug>/status/", views_stories.story_status, name="story-status"),
    path("<slug:slug>/", views.resource_detail, name="resource"),
    path("<slug:slug>/file/", views.resource_file, name="resource-file"),
    path("<slug:slug>/edit/", views.resource_edit, name="resource-edit"),
    path("<slug:slug>/status/", views.resource_status, name="resource-status"),
    path(
        "<slug:slug>/ingest-status/", views.resource_status_fragment, name="resource-ingest-status"
    ),
    path("<slug:slug>/reprocess/", views.resource_reprocess, name="resource-reprocess"),
    path("<slug:slug>/suggestions/", views.suggestions_fragment, name="suggestions"),
    path("<slug:slug>/propose-facts/", views_stories.propose_facts, name="propose-facts"),
    path("<slug:slug>/suggestions/decide/", views.decide_suggestions, name="decide-suggestions"),
    path("<slug:slug>/suggestions/<int:pk>/", views.decide_suggestion, name="decide-suggestion"),
]
