from django.urls import path

from asmhub.strategy import views, views_plans, views_review

app_name = "strategy"

urlpatterns = [
    path("", views.strategy_list, name="list"),
    path("new/", views.strategy_create, name="create"),
    path("tracker/", views.tracker, name="tracker"),
    path("export.<str:fmt>", views.export, name="export"),
    path("commitments/<int:pk>/adopt/", views.adopt, name="adopt"),
    path("plans/", views_plans.plan_list, name="plans"),
    path("plans/new/", views_plans.plan_create, name="plan-create"),
    path("plans/draft/", views_plans.plan_draft, name="plan-draft"),
    path("plans/<slug:slug>/", views_plans.plan_detail, name="plan"),
    path("plans/<slug:slug>/edit/", views_plans.plan_edit, name="plan-edit"),
    path("plans/<slug:slug>/status/", views_plans.plan_status, name="plan-status"),
    path("plans/<slug:slug>/export.<str:fmt>", views_plans.plan_export, name="plan-export"),
    path("plans/<slug:slug>/activities/new/", views_plans.activity_create, name="activity-create"),
    path("activities/<int:pk>/edit/", views_plans.activity_edit, name="activity-edit"),
    path("activities/<int:pk>/delete/", views_plans.activity_delete, name="activity-delete"),
    path("groups/requests/", views_plans.join_requests, name="join-requests"),
    path("groups/requests/<int:pk>/decide/", views_plans.join_decide, name="join-decide"),
    path("groups/<int:pk>/", views_plans.group_detail, name="group"),
    path("groups/<int:pk>/join/", views_plans.group_join, name="group-join"),
    path("groups/<int:pk>/documents/new/", views_plans.document_add, name="document-add"),
    path("documents/<int:pk>/file/", views_plans.document_file, name="document-file"),
    path("goals/<int:pk>/", views.goal_detail, name="goal"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal-edit"),
    path("goals/<int:pk>/objectives/new/", views.objective_create, name="objective-create"),
    path("goals/<int:pk>/actions/new/", views.action_create, name="action-create"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action-edit"),
    path("actions/<int:pk>/progress/", views.progress_add, name="progress-add"),
    path("goals/<int:pk>/status/", views.status, {"kind": "goal"}, name="goal-status"),
    path("actions/<int:pk>/status/", views.status, {"kind": "action"}, name="action-status"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path(
        "indicators/<int:pk>/values/new/",
        views.indicator_entry,
        {"kind": "value"},
        name="value-add",
    ),
    path(
        "indicators/<int:pk>/targets/new/",
        views.indicator_entry,
        {"kind": "target"},
        name="target-add",
    ),
    path("reviews/<int:pk>/", views_review.review_page, name="review"),
    path(
        "reviews/<int:pk>/report.pdf", views_review.review_file, {"fmt": "pdf"}, name="review-pdf"
    ),
    path(
        "reviews/<int:pk>/report.docx",
        views_review.review_file,
        {"fmt": "docx"},
        name="review-docx",
    ),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/edit/", views.strategy_edit, name="edit"),
    path("<slug:slug>/status/", views.strategy_status, name="status"),
    path("<slug:slug>/goals/new/", views.goal_create, name="goal-create"),
    path("<slug:slug>/indicators/new/", views.indicator_create, name="indicator-create"),
    path("<slug:slug>/reviews/new/", views_review.review_create, name="review-create"),
    path("<slug:slug>/import/", views_plans.framework_import, name="import"),
]
