"""The core's rows of the permission matrix (see test_permission_matrix.py)."""

import datetime

from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from esafety.models import (
    ClosureDay,
    Invitation,
    Notification,
    ParentLink,
    Role,
    TrustLead,
    hash_token,
)
from esafety.testing import Route, expect, person, school_managers_only

INVITATION_TOKEN = "a-fresh-invitation-token-for-the-matrix"


def makes_api_keys(ok: int = 200) -> dict:
    return expect(
        403,
        headteacher=ok,
        technician=ok,
        other_school_teacher=404,
        other_school_headteacher=404,
    )


def api_token(p):
    from esafety.api.tokens import make_token

    token, _ = make_token(
        school=p.school, name="Monitoring", scopes=["monitoring.alerts"], by=p.headteacher
    )
    return {"slug": p.school.slug, "pk": token.pk}


def trust_domain(p):
    from esafety.sso.services import save_sign_in

    sign_in = save_sign_in(
        trust=p.school.trust,
        provider="google",
        by=p.chair,
        tenant="oakwood.example",
        domains=["oakwood.example"],
        client_id="c",
        secret="s",
    )
    return {"trust_pk": p.school.trust_id, "pk": sign_in.domains.get().pk}


def trust_provider(p):
    return {"trust_pk": p.school.trust_id, "provider": "microsoft"}


def provider_id(p):
    """A trust's provider that isn't set up."""
    return {"provider_id": f"trust{p.school.trust_id}-google"}


def school(p):
    return {"slug": p.school.slug}


def pupil_in_school(p):
    return {"slug": p.school.slug, "user_pk": p.pupil.pk}


def parent_in_school(p):
    return {"slug": p.school.slug, "user_pk": p.parent.pk}


def pupil_role(p):
    return {"slug": p.school.slug, "pk": p.pupil.memberships.get().pk}


def headteachers_notification(p):
    note = Notification.objects.create(recipient=p.headteacher, title="Test", link="/")
    return {"pk": note.pk}


def open_invitation(p):
    """A new member of staff's unused invitation: the page sets their password."""
    invited = person(p.school, Role.STAFF, name="Ivor Invited")
    Invitation.objects.create(
        user=invited,
        token_hash=hash_token(INVITATION_TOKEN),
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    return {"token": INVITATION_TOKEN}


def password_reset_link(p):
    """A real reset link for a member of staff who signs in nowhere else in the row (a
    sign-in would spend the token). Django swaps the token for a session and redirects
    to the set-password form."""
    forgetful = person(p.school, Role.STAFF, name="Fern Forgetful")
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(forgetful.pk)),
        "token": default_token_generator.make_token(forgetful),
    }


def closure_day(p):
    return ClosureDay.objects.get_or_create(school=p.school, date=datetime.date(2026, 12, 14))[0].pk


def parents_link(p):
    return {"slug": p.school.slug, "pk": ParentLink.objects.get(parent=p.parent, child=p.pupil).pk}


def trust_lead(p):
    """The trust's safeguarding lead (someone with no school role)."""
    lead = person(p.other_school, Role.STAFF, name="Lena Lead")
    return {"pk": TrustLead.objects.get_or_create(user=lead, trust=p.school.trust)[0].pk}


def chair_only(ok: int = 200) -> dict:
    return expect(403, chair=ok)


ROUTES = [
    Route("home", expect(200)),
    Route("login", expect(302, anonymous=200)),
    Route("logout", expect(405)),
    Route("logout", expect(302, anonymous=302), method="post"),
    Route("password_change", expect(200)),
    Route("password_change_done", expect(200)),
    Route("password_reset", expect(200, anonymous=200)),
    Route("password_reset_done", expect(200, anonymous=200)),
    Route(
        "password_reset_confirm",
        expect(200, anonymous=200),
        kwargs=lambda p: {"uidb64": "MQ", "token": "bad-token"},
    ),
    Route(
        "password_reset_confirm",
        expect(302, anonymous=302),
        kwargs=password_reset_link,
        leads_to_form=True,
    ),
    Route("password_reset_complete", expect(200, anonymous=200)),
    Route("two-factor-setup", expect(200)),
    Route("two-factor-verify", expect(200)),
    Route("two-factor-recovery-codes", expect(405)),
    Route("two-factor-recovery-codes", expect(200), method="post"),
    Route("account", expect(200)),
    Route("account-reminders", expect(405)),
    Route("account-reminders", expect(302), method="post"),
    Route(
        "invitation-accept",
        expect(410, anonymous=410),
        kwargs=lambda p: {"token": "nope"},
    ),
    Route("invitation-accept", expect(200, anonymous=200), kwargs=open_invitation),
    Route("session-status", expect(200, anonymous=200)),
    Route("session-keep-alive", expect(405)),
    Route("session-keep-alive", expect(200), method="post"),
    Route("notifications", expect(200)),
    Route(
        "notification-open",
        expect(404, headteacher=302),
        kwargs=headteachers_notification,
    ),
    Route("notifications-mark-all-read", expect(302), method="post"),
    Route("trust-overview", expect(403, trustee=200, chair=200)),
    Route("trust-leads", chair_only()),
    Route(
        "trust-leads",
        chair_only(302),
        method="post",
        data=lambda p: {"email": p.teacher.email, "trust": p.school.trust_id},
    ),
    Route("trust-lead-end", chair_only(), kwargs=trust_lead),
    Route("trust-lead-end", chair_only(302), kwargs=trust_lead, method="post"),
    Route("trust-sign-in", chair_only()),
    Route("trust-sign-in-edit", chair_only(), kwargs=trust_provider),
    Route("trust-sign-in-domain-check", expect(405), kwargs=trust_domain),
    Route("trust-sign-in-domain-check", chair_only(302), kwargs=trust_domain, method="post"),
    Route(
        "trust-sign-in-edit",
        chair_only(302),
        kwargs=trust_provider,
        method="post",
        data=lambda p: {
            "tenant": "6f1c3a52-0d7e-4c4b-9a53-2b0e8a1d9c11",
            "domains": "oakwood.example",
            "client_id": "client",
            "secret": "secret",
            "enabled": "on",
        },
    ),
    # Signing in with a school account: open to anyone (it only sends people to their
    # trust's provider); allauth's own account pages send everyone to our sign-in page.
    Route("sign-in-school-account", expect(302, anonymous=302), method="post"),
    Route("sign-in-school-account", expect(405, anonymous=405)),
    Route("openid_connect_login", expect(302, anonymous=302), kwargs=provider_id),
    Route("openid_connect_callback", expect(404, anonymous=404), kwargs=provider_id),
    *(
        Route(name, expect(302, anonymous=302))
        for name in (
            "account_login",
            "account_logout",
            "account_inactive",
            "socialaccount_login_cancelled",
            "socialaccount_login_error",
            "socialaccount_signup",
            "socialaccount_connections",
        )
    ),
    Route("people", school_managers_only(), kwargs=school),
    Route("person-add", school_managers_only(), kwargs=school),
    Route("people-import", school_managers_only(), kwargs=school),
    Route("people-import-template", school_managers_only(), kwargs=school),
    Route("person-detail", school_managers_only(), kwargs=pupil_in_school),
    Route("membership-add", school_managers_only(), kwargs=pupil_in_school),
    Route("parent-link-add", school_managers_only(), kwargs=parent_in_school),
    Route("parent-link-from-trust", school_managers_only(), kwargs=pupil_in_school),
    Route(
        "person-invite",
        school_managers_only(302),
        kwargs=parent_in_school,
        method="post",
    ),
    Route("membership-end", school_managers_only(), kwargs=pupil_role),
    Route("parent-link-end", school_managers_only(), kwargs=parents_link),
    Route(
        "parent-link-end",
        school_managers_only(302),
        kwargs=parents_link,
        method="post",
        data=lambda p: {"reason": "Linked by mistake"},
    ),
    Route(
        "school-settings",
        expect(403, headteacher=200, other_school_teacher=404, other_school_headteacher=404),
        kwargs=school,
    ),
    Route("closure-days", school_managers_only(), kwargs=school),
    Route(
        "closure-days",
        school_managers_only(302),
        kwargs=school,
        method="post",
        data=lambda p: {"remove": closure_day(p)},
    ),
    Route("accessibility", expect(200, anonymous=200)),
    Route("health", expect(200, anonymous=200)),
    # Integrations' keys: the headteacher and IT support.
    Route("api-tokens", makes_api_keys(), kwargs=school),
    Route("api-uses", makes_api_keys(), kwargs=api_token),
    Route("api-revoke", makes_api_keys(302), kwargs=api_token, method="post"),
    Route("api-revoke", expect(405), kwargs=api_token),
    Route("api-docs", expect(403, headteacher=200, technician=200, other_school_headteacher=200)),
    Route("api-schema", expect(200, anonymous=200)),
    Route("api-key", expect(401, anonymous=401)),
    Route("api-people", expect(401, anonymous=401)),
]
