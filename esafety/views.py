"""Home page, notifications, session keep-alive, health and the trust overview."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .dashboard import panels_for
from .figures import figures_for
from .forms import ReminderPreferenceForm
from .health import last_sweep_status
from .middleware import LAST_SEEN_KEY
from .models import Membership, Notification, Role, School
from .notifications import mark_read
from .roles import access_for, home_roles, require
from .services import attributed


def home(request):
    roles = home_roles(request.user)
    return render(
        request,
        "esafety/home.html",
        {"panels": panels_for(request), "role_names": [ROLE_TITLES[r] for r in roles]},
    )


ROLE_TITLES = {
    "chair": "Chair of trustees",
    "trustee": "Trustee",
    "trust_lead": "Trust safeguarding lead",
    **{value: label for value, label in Role.choices},
}


def notification_list(request):
    notifications = Notification.objects.visible_to(request.user)
    page = Paginator(notifications, 25).get_page(request.GET.get("page"))
    return render(request, "esafety/notifications.html", {"page": page})


def notification_open(request, pk):
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    mark_read(notification)
    if notification.link.startswith("/"):
        return redirect(notification.link)
    return redirect("notifications")


@require_POST
def notifications_mark_all_read(request):
    Notification.objects.visible_to(request.user).unread().update(read_at=timezone.now())
    return redirect("notifications")


@login_not_required
@never_cache
def session_status(request):
    """How long until the idle lock-out; does not count as activity."""
    if not request.user.is_authenticated:
        return JsonResponse({"authenticated": False, "seconds_left": 0})
    last_seen = request.session.get(LAST_SEEN_KEY, time.time())
    left = max(0, int(settings.IDLE_TIMEOUT_SECONDS - (time.time() - last_seen)))
    return JsonResponse({"authenticated": True, "seconds_left": left})


@require_POST
@never_cache
def session_keep_alive(request):
    return JsonResponse({"authenticated": True, "seconds_left": settings.IDLE_TIMEOUT_SECONDS})


@login_not_required
def accessibility_statement(request):
    return render(request, "esafety/accessibility.html")


@login_not_required
@never_cache
def health(request):
    """Database, broker and the last sweep, for monitoring. No personal data."""
    checks = {"database": _check_database(), "broker": _check_broker()}
    checks["last_sweep"] = last_sweep_status() if checks["database"] == "ok" else None
    healthy = checks["database"] == "ok" and checks["broker"] in {"ok", "eager"}
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks},
        status=200 if healthy else 503,
    )


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as error:
        return f"error: {type(error).__name__}"


def _check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    from .celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as error:
        return f"error: {type(error).__name__}"


def trust_overview(request):
    """Trustees: each school in their trusts with counts only, never names (cached)."""
    require(request.user, "esafety.view_trust_overview")
    school_ids = access_for(request.user).trust_school_ids
    schools = list(School.objects.filter(pk__in=school_ids).select_related("trust"))
    counts = figures_for("esafety.people", school_ids)
    for school in schools:
        school.pupils, school.staff, school.parents = (
            counts[school.pk][key] for key in ("pupils", "staff", "parents")
        )
    return render(request, "esafety/trust_overview.html", {"schools": schools})


def account(request):
    from django_otp import devices_for_user

    devices = list(devices_for_user(request.user, confirmed=True))
    return render(
        request,
        "esafety/account.html",
        {
            "has_totp": any(d.__class__.__name__ == "TOTPDevice" for d in devices),
            "memberships": Membership.objects.active()
            .filter(user=request.user)
            .select_related("school"),
            "password_change_url": reverse("password_change"),
            "reminder_form": ReminderPreferenceForm(instance=request.user),
            "reminder_url": reverse("account-reminders"),
        },
    )


@require_POST
def account_reminders(request):
    """Email reminders to sign, or only in the app: the person's own choice."""
    form = ReminderPreferenceForm(request.POST, instance=request.user)
    if form.is_valid():
        attributed(form.save(commit=False), request.user).save()
        messages.success(
            request,
            "Reminders will be emailed to you."
            if form.cleaned_data["reminders_by_email"]
            else "Reminders will only be shown here, not emailed.",
        )
    return redirect("account")
