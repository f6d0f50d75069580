from django.urls import path

from . import (
    views,
    views_actions,
    views_cover,
    views_guides,
    views_monitoring,
    views_people,
    views_transfers,
    views_worries,
)

urlpatterns = [
    path("incidents/new/", views.incident_create, name="incident-create"),
    path("incidents/mine/", views.my_incidents, name="my-incidents"),
    path("incidents/queue/", views.incident_queue, name="incident-queue"),
    path("incidents/people/", views_people.people_search, name="people-search"),
    path("incidents/actions/", views_actions.my_actions, name="my-actions"),
    path("incidents/actions/<int:pk>/", views_actions.action_detail, name="action-detail"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident-detail"),
    path("incidents/<int:pk>/edit/", views.incident_edit, name="incident-edit"),
    path("incidents/<int:pk>/report.pdf", views.incident_pdf, name="incident-pdf"),
    path(
        "incidents/<int:pk>/evidence/<int:evidence_pk>/",
        views.evidence_download,
        name="incident-evidence",
    ),
    path("incidents/<int:pk>/<slug:action>/", views.incident_action, name="incident-action"),
    path(
        "schools/<slug:slug>/pupils/incidents/",
        views.pupil_chronology_find,
        name="pupil-chronology-find",
    ),
    path(
        "schools/<slug:slug>/pupils/<int:user_pk>/incidents/",
        views.pupil_chronology,
        name="pupil-chronology",
    ),
    path("schools/<slug:slug>/incident-kinds/", views.incident_kinds, name="incident-kinds"),
    path(
        "schools/<slug:slug>/monitoring-alerts/",
        views_monitoring.held_alerts,
        name="monitoring-held",
    ),
    path(
        "schools/<slug:slug>/monitoring-alerts/<int:pk>/match/",
        views_monitoring.match,
        name="monitoring-match",
    ),
    path("schools/<slug:slug>/incidents.csv", views.incident_export, name="incident-export"),
    path("schools/<slug:slug>/transfers/", views_transfers.transfer_list, name="transfer-list"),
    path(
        "schools/<slug:slug>/transfers/start/",
        views_transfers.transfer_start,
        name="transfer-start",
    ),
]
TRANSFER = "schools/<slug:slug>/transfers/<int:pk>/"
urlpatterns += [
    path(TRANSFER, views_transfers.transfer_detail, name="transfer-detail"),
    path(TRANSFER + "records/", views_transfers.transfer_choose, name="transfer-choose"),
    path(
        TRANSFER + "names/<int:redaction_pk>/",
        views_transfers.transfer_decide,
        name="transfer-decide",
    ),
    path(TRANSFER + "send/", views_transfers.transfer_send, name="transfer-send"),
    path(TRANSFER + "nothing/", views_transfers.transfer_not_needed, name="transfer-not-needed"),
    path(TRANSFER + "receipt/", views_transfers.transfer_receipt, name="transfer-receipt"),
    path(TRANSFER + "confirm/", views_transfers.transfer_confirm, name="transfer-confirm"),
    path(TRANSFER + "file.pdf", views_transfers.transfer_file, name="transfer-file"),
    path(
        TRANSFER + "receipt-file/",
        views_transfers.transfer_receipt_file,
        name="transfer-receipt-file",
    ),
]
COVER = "schools/<slug:slug>/safeguarding-cover/"
urlpatterns += [
    path(COVER, views_cover.cover_page, name="safeguarding-cover"),
    path(COVER + "away/", views_cover.cover_absence, name="cover-absence"),
    path(COVER + "away/<int:pk>/end/", views_cover.cover_absence_end, name="cover-absence-end"),
    path(COVER + "lead/", views_cover.cover_lead, name="cover-lead"),
]
WORRY = "schools/<slug:slug>/worry/"
urlpatterns += [
    path(WORRY, views_worries.pupil_worry, name="worry-pupil"),
    path(WORRY + "thanks/", views_worries.worry_thanks, name="worry-thanks"),
    path(WORRY + "parent/", views_worries.parent_worry, name="worry-parent"),
    path(WORRY + "parent/thanks/", views_worries.parent_worry_thanks, name="worry-parent-thanks"),
]
GUIDE = "schools/<slug:slug>/guides/<slug:guide>/"
urlpatterns += [
    path("schools/<slug:slug>/guides/", views_guides.guide_list, name="guide-list"),
    path(GUIDE, views_guides.guide_step, name="guide-step"),
    path(GUIDE + "finish/", views_guides.guide_finish, name="guide-finish"),
    path(GUIDE + "edit/", views_guides.guide_edit, name="guide-edit"),
    path(GUIDE + "copy/", views_guides.guide_copy, name="guide-copy"),
    path(GUIDE + "steps/<int:pk>/", views_guides.guide_step_edit, name="guide-step-edit"),
]
