from django.urls import path

from asmhub.monitoring import (
    views,
    views_areas,
    views_import,
    views_incidents,
    views_tax,
    views_xlsform,
)

app_name = "monitoring"

urlpatterns = [
    path("", views.map_page, name="map"),
    path("sites/<int:pk>/", views.site_detail, name="site"),
    path("sites.geojson", views.sites_geojson, name="sites-geojson"),
    path("sites/clusters.geojson", views.sites_clusters, name="sites-clusters"),
    path("sites/find.json", views.sites_find, name="sites-find"),
    path("sites.<str:fmt>", views.sites_export, name="sites-export"),
    path("index/", views_areas.index_page, name="index"),
    path("index.<str:fmt>", views_areas.index_export, name="index-export"),
    path("most-need/", views_areas.most_need, name="most-need"),
    path("areas/<slug:slug>/", views_areas.area_detail, name="area"),
    path("dashboard/", views_areas.dashboard, name="dashboard"),
    path("incidents/<int:pk>/", views_areas.incident_detail, name="incident"),
    path("sites/<int:pk>/incidents/new/", views_incidents.incident_create, name="incident-new"),
    path("incidents/<int:pk>/edit/", views_incidents.incident_edit, name="incident-edit"),
    path("incidents/<int:pk>/plans/new/", views_incidents.plan_create, name="plan-new"),
    path("plans/<int:pk>/actions/new/", views_incidents.action_create, name="action-new"),
    path("actions/<int:pk>/edit/", views_incidents.action_edit, name="action-edit"),
    path("imports/", views_import.imports, name="imports"),
    path("imports/<int:pk>/", views_import.batch, name="import"),
    path("imports/<int:pk>/commit/", views_import.commit, name="import-commit"),
    path("imports/<int:pk>/problems.csv", views_import.problems_csv, name="import-problems"),
    path("imports/mappings/new/", views_import.mapping_create, name="mapping-create"),
    path("form/site-visit.xlsx", views_xlsform.site_visit_form, name="xlsform"),
    path("tax-check/", views_tax.tax_check, name="tax-check"),
    path("taxes/", views_tax.schedule, name="taxes"),
    path("sms/tax-check", views_tax.sms_tax_check, name="sms-tax-check"),
    path("observed-taxes/<int:pk>/report/", views_tax.report_tax, name="report-tax"),
]
