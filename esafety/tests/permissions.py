"""The core's rows of the permission matrix (see test_permission_matrix.py)."""

import datetime

from esafety.models import ClosureDay, Notification
from esafety.testing import Route, expect, school_managers_only


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


def closure_day(p):
    return ClosureDay.objects.get_or_create(school=p.school, date=datetime.date(2026, 12, 14))[0].pk


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
]
