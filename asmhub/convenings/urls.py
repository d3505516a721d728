from django.urls import path

from asmhub.convenings import views, views_agenda, views_polls, views_records, views_report

app_name = "convenings"

urlpatterns = [
    path("", views.convening_list, name="list"),
    path("new/", views.create, name="create"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/status/", views.status, name="status"),
    path("<slug:slug>/participants/", views.participants, name="participants"),
    path("<slug:slug>/participants/new/", views.participant_add, name="participant-add"),
    path("<slug:slug>/participants/links/", views.participant_links, name="participant-links"),
    path(
        "<slug:slug>/participants/<int:pk>/edit/", views.participant_edit, name="participant-edit"
    ),
    path(
        "<slug:slug>/participants/<int:pk>/remove/",
        views.participant_remove,
        name="participant-remove",
    ),
    path("<slug:slug>/agenda/", views_agenda.agenda, name="agenda"),
    path("<slug:slug>/sessions/new/", views_agenda.session_add, name="session-add"),
    path("<slug:slug>/sessions/<int:pk>/", views_agenda.session_detail, name="session"),
    path("<slug:slug>/sessions/<int:pk>/edit/", views_agenda.session_edit, name="session-edit"),
    path("<slug:slug>/presentations/new/", views_agenda.presentation_add, name="presentation-add"),
    path(
        "<slug:slug>/presentations/<int:pk>/",
        views_agenda.presentation_detail,
        name="presentation",
    ),
    path(
        "<slug:slug>/presentations/<int:pk>/edit/",
        views_agenda.presentation_edit,
        name="presentation-edit",
    ),
    path(
        "<slug:slug>/presentations/<int:pk>/materials/",
        views_agenda.material_add,
        name="material-add",
    ),
    path("<slug:slug>/breakouts/new/", views_agenda.breakout_add, name="breakout-add"),
    path("<slug:slug>/breakouts/<int:pk>/", views_agenda.breakout_detail, name="breakout"),
    path("<slug:slug>/breakouts/<int:pk>/edit/", views_agenda.breakout_edit, name="breakout-edit"),
    path(
        "<slug:slug>/breakouts/<int:pk>/report/",
        views_agenda.breakout_report,
        name="breakout-report",
    ),
    path(
        "<slug:slug>/breakouts/<int:pk>/whiteboard/",
        views_agenda.whiteboard,
        name="whiteboard",
    ),
    path("<slug:slug>/statements/", views_records.statements, name="statements"),
    path("<slug:slug>/statements/new/", views_records.statement_add, name="statement-add"),
    path(
        "<slug:slug>/statements/<int:pk>/edit/",
        views_records.statement_edit,
        name="statement-edit",
    ),
    path("<slug:slug>/commitments/", views_records.commitments, name="commitments"),
    path("<slug:slug>/commitments/new/", views_records.commitment_add, name="commitment-add"),
    path(
        "<slug:slug>/commitments/<int:pk>/edit/",
        views_records.commitment_edit,
        name="commitment-edit",
    ),
    path("<slug:slug>/join/<str:token>/", views_polls.join, name="join"),
    path("<slug:slug>/polls/", views_polls.poll_list, name="polls"),
    path("<slug:slug>/polls/new/", views_polls.poll_create, name="poll-create"),
    path("<slug:slug>/polls/<int:pk>/", views_polls.poll_detail, name="poll"),
    path("<slug:slug>/polls/<int:pk>/edit/", views_polls.poll_edit, name="poll-edit"),
    path("<slug:slug>/polls/<int:pk>/results/", views_polls.poll_results, name="poll-results"),
    path(
        "<slug:slug>/polls/<int:pk>/open/",
        views_polls.poll_state,
        {"state": "open"},
        name="poll-open",
    ),
    path(
        "<slug:slug>/polls/<int:pk>/close/",
        views_polls.poll_state,
        {"state": "closed"},
        name="poll-close",
    ),
    path(
        "<slug:slug>/polls/<int:pk>/questions/new/",
        views_polls.question_add,
        name="question-add",
    ),
    path(
        "<slug:slug>/polls/<int:pk>/questions/<int:question>/edit/",
        views_polls.question_edit,
        name="question-edit",
    ),
    path(
        "<slug:slug>/polls/<int:pk>/questions/<int:question>/remove/",
        views_polls.question_remove,
        name="question-remove",
    ),
    path("<slug:slug>/report/", views_report.report_page, name="report"),
    path("<slug:slug>/report/draft/", views_report.draft, name="report-draft"),
    path("<slug:slug>/report/include/", views_report.include, name="report-include"),
    path(
        "<slug:slug>/report/sections/<slug:key>/edit/",
        views_report.section_edit,
        name="report-section-edit",
    ),
    path("<slug:slug>/report/publish/", views_report.publish, name="report-publish"),
    path("<slug:slug>/report/unpublish/", views_report.unpublish, name="report-unpublish"),
    path("<slug:slug>/report.pdf", views_report.pdf, name="report-pdf"),
    path("<slug:slug>/report.docx", views_report.docx, name="report-docx"),
]
