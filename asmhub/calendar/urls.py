from django.urls import path

from asmhub.calendar import views

app_name = "calendar"

urlpatterns = [
    path("", views.month, name="month"),
    path("week/", views.week, name="week"),
    path("list/", views.agenda, name="list"),
    path("feed.ics", views.feed, name="feed"),
    path("feeds/", views.feeds, name="feeds"),
    path("feeds/<int:pk>/", views.feed_change, name="feed-change"),
    path("feeds/<str:token>.ics", views.saved_feed, name="saved-feed"),
    path("import/", views.import_events, name="import"),
    path("events/new/", views.event_create, name="event-create"),
    path("events/<slug:slug>/", views.event_detail, name="event"),
    path("events/<slug:slug>.ics", views.event_ics, name="event-ics"),
    path("events/<slug:slug>/edit/", views.event_edit, name="event-edit"),
    path("events/<slug:slug>/status/", views.event_status, name="event-status"),
]
