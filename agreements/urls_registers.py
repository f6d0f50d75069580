from django.urls import path

from . import views_registers as views

school = "schools/<slug:slug>/agreements/"

urlpatterns = [
    path("agreements/coverage/", views.coverage, name="agreements-coverage"),
    path(school + "registers/", views.overview, name="agreements-registers"),
    path(school + "registers/<int:pk>/", views.register, name="agreements-register"),
    path(school + "registers/<int:pk>/csv/", views.register_csv, name="agreements-register-csv"),
    path(
        school + "registers/<int:pk>/print/",
        views.register_print,
        name="agreements-register-print",
    ),
    path(
        school + "registers/<int:pk>/signed-forms.pdf",
        views.class_bundle,
        name="agreements-class-bundle",
    ),
    path(school + "consent/", views.consent_register, name="agreements-consent-register"),
    path(
        school + "consent/csv/", views.consent_register_csv, name="agreements-consent-register-csv"
    ),
    path(school + "internet-access/", views.internet_register, name="agreements-internet-register"),
    path(
        school + "internet-access/csv/",
        views.internet_register_csv,
        name="agreements-internet-register-csv",
    ),
]
