from django.conf import settings

from .dashboard import schools_by_name, unread_count
from .menu import navigation_for
from .roles import access_for, managed_school_ids


def navigation(request):
    """What the navigation shows: only what this person may use (see esafety.menu)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    schools = schools_by_name(request, access_for(user).roles_by_school)
    managed = managed_school_ids(user)
    menus, menu_html = navigation_for(user, schools)
    return {
        "idle_timeout_seconds": settings.IDLE_TIMEOUT_SECONDS,
        "idle_warning_seconds": settings.IDLE_WARNING_SECONDS,
        "nav": {
            "menus": menus,
            "menu_html": menu_html,  # the menus, rendered (cached with them)
            # Pages showing several schools' records name the school when this is > 1.
            "managed_schools": [s for s in schools if s.pk in managed],
            # Someone at two schools is told which school each thing is from.
            "schools": schools,
            "unread_count": unread_count(request),
        },
    }
