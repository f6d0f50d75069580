from django.conf import settings

from .models import Notification, School
from .roles import access_for, allowed, managed_school_ids


def navigation(request):
    """What the navigation shows: only what this person may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = access_for(user)
    managed = list(School.objects.filter(pk__in=managed_school_ids(user)).order_by("name"))
    headteacher_of = [s for s in managed if allowed(user, "esafety.manage_school_settings", s)]
    return {
        "idle_timeout_seconds": settings.IDLE_TIMEOUT_SECONDS,
        "idle_warning_seconds": settings.IDLE_WARNING_SECONDS,
        "nav": {
            "managed_schools": managed,
            "settings_schools": headteacher_of,
            "is_trustee": bool(access.trust_ids),
            "logs_incidents": allowed(user, "incidents.use_log"),
            "incident_queue": allowed(user, "incidents.use_queue"),
            "agreements_use": allowed(user, "agreements.use"),
            "internet_register_schools": [
                s
                for s in School.objects.filter(pk__in=access.roles_by_school).order_by("name")
                if allowed(user, "agreements.view_internet_register", s)
            ],
            "unread_count": Notification.objects.visible_to(user).unread().count(),
        },
    }
