from django.urls import path

from asmhub.taxonomy import views

app_name = "taxonomy"

urlpatterns = [
    path("", views.index, name="index"),
    path("sdg/<int:number>/", views.sdg_goal, name="sdg-goal"),
    path("sdg/targets/", views.sdg_target_list, name="sdg-targets"),
    path("mdg/<int:number>/", views.mdg_goal, name="mdg-goal"),
    path("lever-issues/<slug:slug>/", views.lever_issue, name="lever-issue"),
    path("minerals/<slug:slug>/", views.mineral, name="mineral"),
    path("countries/", views.country_list, name="countries"),
    path("countries/<str:code>/", views.country, name="country"),
    path("codelists/<str:name>/", views.codelist, name="codelist"),
]
