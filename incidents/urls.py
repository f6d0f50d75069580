from django.urls import path

from . import views, views_actions, views_monitoring, views_people

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
]
