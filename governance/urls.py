from django.urls import path

from . import views

urlpatterns = [
    path("governance/", views.home, name="governance-home"),
    path("governance/figures/", views.definitions, name="governance-definitions"),
    path("governance/trusts/<int:pk>/", views.trust_dashboard, name="governance-trust"),
    path("governance/trusts/<int:pk>/figures.csv", views.trust_csv, name="governance-trust-csv"),
    path("governance/trusts/<int:pk>/settings/", views.trust_settings, name="governance-settings"),
    path(
        "governance/trusts/<int:pk>/reports/start/",
        views.start_trust_report,
        name="governance-trust-report-start",
    ),
    path("governance/schools/<slug:slug>/", views.school_dashboard, name="governance-school"),
    path(
        "governance/schools/<slug:slug>/figures.csv",
        views.school_csv,
        name="governance-school-csv",
    ),
    path(
        "governance/schools/<slug:slug>/overdue-actions/",
        views.overdue_actions,
        name="governance-overdue-actions",
    ),
    path(
        "governance/schools/<slug:slug>/reports/start/",
        views.start_school_report,
        name="governance-school-report-start",
    ),
    path("governance/reports/", views.reports, name="governance-reports"),
    path("governance/reports/<int:pk>/", views.report_detail, name="governance-report"),
    path("governance/reports/<int:pk>/sign/", views.report_sign, name="governance-report-sign"),
    path("governance/reports/<int:pk>/report.pdf", views.report_pdf, name="governance-report-pdf"),
    path("governance/reports/<int:pk>/read/", views.report_read, name="governance-report-read"),
]
