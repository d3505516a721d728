from django.urls import path

from asmhub.convenings import views

app_name = "convenings"

urlpatterns = [
    path("", views.convening_list, name="list"),
]
