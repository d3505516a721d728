from django.urls import path

from asmhub.outreach import views

app_name = "outreach"

urlpatterns = [
    path("following/", views.following, name="following"),
    path("follow/", views.follow_toggle, name="follow"),
    path("follow/by-email/", views.follow_by_email, name="follow-by-email"),
    path("follow/confirm/<str:token>/", views.confirm_follow, name="confirm-follow"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("newsletters/", views.newsletter_list, name="newsletters"),
    path("newsletters/new/", views.newsletter_edit, name="newsletter-new"),
    path("newsletters/consent/", views.newsletter_consent, name="newsletter-consent"),
    path("newsletters/count/", views.newsletter_count, name="newsletter-count"),
    path("newsletters/<int:pk>/", views.newsletter_detail, name="newsletter"),
    path("newsletters/<int:pk>/edit/", views.newsletter_edit, name="newsletter-edit"),
    path("newsletters/<int:pk>/recipients/", views.newsletter_recipients, name="recipients"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
