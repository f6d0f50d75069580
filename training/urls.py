from django.urls import path

from . import views, views_manage, views_school

school = "schools/<slug:slug>/training/"

urlpatterns = [
    path("training/", views.mine, name="training-mine"),
    path("training/record.pdf", views.mine_pdf, name="training-mine-pdf"),
    path("training/record/", views.record_add, name="training-record-add"),
    path("training/records/<int:pk>/", views.record_detail, name="training-record"),
    path(
        "training/records/<int:pk>/certificate/",
        views.record_certificate,
        name="training-record-certificate",
    ),
    path("training/records/<int:pk>/verify/", views.record_verify, name="training-record-verify"),
    path("training/records/<int:pk>/done/", views.record_complete, name="training-record-complete"),
    path("training/ask/", views.cpd_mine, name="training-cpd-mine"),
    path("training/lessons/", views_school.lessons, name="training-lessons"),
    path("training/figures/", views.figures, name="training-figures"),
    path("training/parent-sessions/", views.parent_invitations, name="training-parent-invitations"),
    path(school, views_manage.matrix, name="training-matrix"),
    path(school + "matrix.csv", views_manage.matrix_csv, name="training-matrix-csv"),
    path(school + "print/", views_manage.matrix_print, name="training-matrix-print"),
    path(school + "matrix.pdf", views_manage.matrix_pdf, name="training-matrix-pdf"),
    path(school + "requirements/", views_manage.requirements, name="training-requirements"),
    path(
        school + "requirements/add/",
        views_manage.requirement_edit,
        name="training-requirement-add",
    ),
    path(
        school + "requirements/<int:pk>/",
        views_manage.requirement_detail,
        name="training-requirement",
    ),
    path(
        school + "requirements/<int:pk>/edit/",
        views_manage.requirement_edit,
        name="training-requirement-edit",
    ),
    path(
        school + "requirements/<int:pk>/remind/",
        views_manage.requirement_remind,
        name="training-requirement-remind",
    ),
    path(school + "session/", views_manage.session, name="training-session"),
    path(school + "to-check/", views_manage.inbox, name="training-inbox"),
    path(school + "requests/<int:pk>/", views_manage.cpd_decide, name="training-cpd-decide"),
    path(school + "parents/", views_school.sessions, name="training-parent-sessions"),
    path(school + "parents/<int:pk>/", views_school.session_detail, name="training-parent-session"),
    path(
        school + "parents/<int:pk>/invite/",
        views_school.session_invite,
        name="training-parent-session-invite",
    ),
    path(school + "curriculum/", views_school.curriculum_map, name="training-curriculum"),
]
