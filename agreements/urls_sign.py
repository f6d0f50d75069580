from django.urls import path

from . import views_sign

school = "schools/<slug:slug>/agreements/"

urlpatterns = [
    path("agreements/to-sign/", views_sign.to_sign, name="agreements-to-sign"),
    path("agreements/sign/<int:pk>/", views_sign.sign, name="agreements-sign"),
    path(
        "agreements/sign/family/<int:pk>/",
        views_sign.sign_for_family,
        name="agreements-sign-family",
    ),
    path("agreements/mine/", views_sign.mine, name="agreements-mine"),
    path(
        "agreements/signatures/<int:pk>/", views_sign.signature_detail, name="agreements-signature"
    ),
    path(
        "agreements/signatures/<int:pk>/consent/",
        views_sign.consent_change,
        name="agreements-consent-change",
    ),
    path(
        "agreements/signatures/<int:pk>/pdf/",
        views_sign.signature_pdf,
        name="agreements-signature-pdf",
    ),
    path(school + "in-class/", views_sign.in_class, name="agreements-in-class"),
    path(school + "paper/", views_sign.paper, name="agreements-paper"),
]
