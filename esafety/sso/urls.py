"""allauth's OpenID Connect start and callback (the callback is the address each trust
registers with Microsoft or Google), and the names allauth reverses, sent to our pages."""

from allauth.socialaccount.providers.openid_connect import views as oidc
from django.urls import path

from . import views

urlpatterns = [
    path(
        "sign-in/school-account/",
        views.sign_in_with_school_account,
        name="sign-in-school-account",
    ),
    path("sso/oidc/<str:provider_id>/login/", views.provider_start, name="openid_connect_login"),
    path(
        "sso/oidc/<str:provider_id>/login/callback/",
        oidc.callback,
        name="openid_connect_callback",
    ),
    *(
        path(f"sso/{route}", views.back_to_sign_in, name=name)
        for route, name in [
            ("login/", "account_login"),
            ("logout/", "account_logout"),
            ("inactive/", "account_inactive"),
            ("3rdparty/login/cancelled/", "socialaccount_login_cancelled"),
            ("3rdparty/login/error/", "socialaccount_login_error"),
            ("3rdparty/signup/", "socialaccount_signup"),
            ("3rdparty/", "socialaccount_connections"),
        ]
    ),
    path("trust/sign-in/", views.trust_sign_in, name="trust-sign-in"),
    path(
        "trust/<int:trust_pk>/sign-in/domains/<int:pk>/check/",
        views.trust_sign_in_domain_check,
        name="trust-sign-in-domain-check",
    ),
    path(
        "trust/<int:trust_pk>/sign-in/<str:provider>/",
        views.trust_sign_in_edit,
        name="trust-sign-in-edit",
    ),
]
