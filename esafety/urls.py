from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from . import (
    views,
    views_auth,
    views_closures,
    views_contacts,
    views_flags,
    views_import,
    views_people,
)
from .api import urls as api_urls

school = "schools/<slug:slug>/"

account_patterns = [
    path("login/", views_auth.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        login_not_required(auth_views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        login_not_required(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        login_not_required(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        login_not_required(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("two-factor/setup/", views_auth.two_factor_setup, name="two-factor-setup"),
    path("two-factor/verify/", views_auth.two_factor_verify, name="two-factor-verify"),
    path(
        "two-factor/recovery-codes/",
        views_auth.recovery_codes_regenerate,
        name="two-factor-recovery-codes",
    ),
    path("reminders/", views.account_reminders, name="account-reminders"),
    path("", views.account, name="account"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include(account_patterns)),
    path("invite/<str:token>/", views_auth.invitation_accept, name="invitation-accept"),
    path("session/status/", views.session_status, name="session-status"),
    path("session/keep-alive/", views.session_keep_alive, name="session-keep-alive"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification-open"),
    path(
        "notifications/mark-all-read/",
        views.notifications_mark_all_read,
        name="notifications-mark-all-read",
    ),
    path("trust/", views.trust_overview, name="trust-overview"),
    path("", include("esafety.sso.urls")),
    path("", include("esafety.subject_access.urls")),
    path("", include("esafety.retention.urls")),
    path("trust/safeguarding-lead/", views_people.trust_leads, name="trust-leads"),
    path(
        "trust/safeguarding-lead/<int:pk>/end/",
        views_people.trust_lead_end,
        name="trust-lead-end",
    ),
    path(school + "people/", views_people.people_list, name="people"),
    path(school + "people/add/", views_people.person_add, name="person-add"),
    path(school + "people/import/", views_import.people_import, name="people-import"),
    path(
        school + "people/import/template.csv",
        views_import.people_import_template,
        name="people-import-template",
    ),
    path(
        school + "people/<int:user_pk>/",
        views_people.person_detail,
        name="person-detail",
    ),
    path(school + "people/<int:user_pk>/flags/", views_flags.pupil_flags, name="pupil-flags"),
    path(
        school + "people/<int:user_pk>/roles/add/",
        views_people.membership_add,
        name="membership-add",
    ),
    path(
        school + "people/<int:user_pk>/children/add/",
        views_people.parent_link_add,
        name="parent-link-add",
    ),
    path(
        school + "people/<int:user_pk>/parents/add-from-trust/",
        views_people.parent_from_trust_add,
        name="parent-link-from-trust",
    ),
    path(
        school + "people/<int:user_pk>/invite/",
        views_people.person_invite,
        name="person-invite",
    ),
    path(
        school + "roles/<int:pk>/end/",
        views_people.membership_end,
        name="membership-end",
    ),
    path(
        school + "parent-links/<int:pk>/end/",
        views_people.parent_link_end,
        name="parent-link-end",
    ),
    path(school + "settings/", views_people.school_settings, name="school-settings"),
    path(school + "settings/closure-days/", views_closures.closure_days, name="closure-days"),
    path(school + "contacts/", views_contacts.school_contacts, name="local-contacts"),
    path(school + "contacts/add/", views_contacts.school_contact_add, name="local-contact-add"),
    path(
        school + "contacts/<int:pk>/",
        views_contacts.school_contact_edit,
        name="local-contact-edit",
    ),
    path("trust/contacts/", views_contacts.trust_contacts, name="trust-contacts"),
    path(
        "trust/<int:trust_pk>/contacts/add/",
        views_contacts.trust_contact_add,
        name="trust-contact-add",
    ),
    path(
        "trust/<int:trust_pk>/contacts/<int:pk>/",
        views_contacts.trust_contact_edit,
        name="trust-contact-edit",
    ),
    *api_urls.urlpatterns_for_pages(school),
    *api_urls.urlpatterns_for_api(),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("health/", views.health, name="health"),
    path("", include("incidents.urls")),
    path("", include("agreements.urls")),
    path("", include("risks.urls")),
    path("", include("training.urls")),
    path("", include("devices.urls")),
    path("", include("selfreview.urls")),
    path("", include("governance.urls")),
    path("", include("roster.urls")),
    path("", include("concerns.urls")),
    path("admin/", admin.site.urls),
]
