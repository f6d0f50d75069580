from django.urls import path

from . import views, views_filtering, views_signoff

school = "schools/<slug:slug>/"

urlpatterns = [
    path(school + "risks/", views.risk_register, name="risk-register"),
    path(school + "risks/new/", views.risk_create, name="risk-create"),
    path(school + "risks/starter/", views.starter_library, name="risk-starter"),
    path(school + "risks/register.csv", views.register_csv, name="risk-register-csv"),
    path(school + "risks/register.pdf", views.register_pdf_view, name="risk-register-pdf"),
    path(school + "risks/sign-off/", views_signoff.signoffs, name="risk-signoffs"),
    path("risks/<int:pk>/", views.risk_detail, name="risk-detail"),
    path("risks/<int:pk>/assessment.pdf", views.risk_pdf_view, name="risk-pdf"),
    path("risks/<int:pk>/<slug:step>/", views.risk_step, name="risk-step"),
    path("risks/actions/<int:pk>/done/", views.action_done, name="risk-action-done"),
    path(
        "risks/sign-offs/<int:pk>/approve/",
        views_signoff.signoff_approve,
        name="risk-signoff-approve",
    ),
    path(
        "risks/sign-offs/<int:pk>/register.pdf", views_signoff.signoff_pdf, name="risk-signoff-pdf"
    ),
    path(
        "risks/incident/<int:incident_pk>/link/",
        views_signoff.link_incident,
        name="risk-link-incident",
    ),
    path("risks/trust/", views.trust_registers, name="risk-trust"),
    path("risks/trust/<int:trust_pk>/matrix/", views.risk_matrix, name="risk-matrix"),
    path("risks/trust/<int:trust_pk>/new/", views.trust_risk_create, name="risk-trust-create"),
    # Filtering and monitoring.
    path(school + "filtering/", views_filtering.filtering_overview, name="filtering"),
    path(
        school + "filtering/checks/new/",
        views_filtering.check_create,
        name="filtering-check-create",
    ),
    path(
        school + "filtering/checks/<int:pk>/incident/",
        views_filtering.check_incident,
        name="filtering-check-incident",
    ),
    path(
        school + "filtering/decisions/new/",
        views_filtering.decision_create,
        name="filtering-decision-create",
    ),
    path(
        school + "filtering/reviews/new/",
        views_filtering.review_start,
        name="filtering-review-start",
    ),
    path("filtering/reviews/<int:pk>/", views_filtering.review_detail, name="filtering-review"),
    path(
        "filtering/reviews/<int:pk>/edit/",
        views_filtering.review_edit,
        name="filtering-review-edit",
    ),
    path(
        "filtering/reviews/<int:pk>/actions/new/",
        views_filtering.review_action_add,
        name="filtering-review-action",
    ),
    path(
        "filtering/reviews/<int:pk>/review.pdf",
        views_filtering.review_pdf_view,
        name="filtering-review-pdf",
    ),
    path(
        "filtering/reviews/<int:pk>/<slug:step>/",
        views_filtering.review_sign,
        name="filtering-review-sign",
    ),
]
