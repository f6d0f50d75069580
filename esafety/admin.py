"""Django admin for technical administrators: schools, people and roles only.

Safeguarding records (incidents, signatures) are deliberately not registered: the admin
would bypass the need-to-know rules in esafety/roles.py.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ClosureDay,
    Membership,
    ParentLink,
    School,
    Trust,
    TrusteeMembership,
    TrustLead,
    User,
)
from .models_contacts import LocalContact


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "email", "is_active", "last_login"]
    search_fields = ["full_name", "email"]
    exclude = ["password", "user_permissions", "groups"]
    readonly_fields = ["last_login", "date_joined"]


@admin.register(Trust)
class TrustAdmin(SimpleHistoryAdmin):
    list_display = ["name", "lead_sees_staff_concerns"]


@admin.register(School)
class SchoolAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "code", "trust", "school_day_ends"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "school", "role", "started_on", "ended_on"]
    list_filter = ["school", "role"]
    search_fields = ["user__full_name", "user__email", "external_id"]
    autocomplete_fields = ["user"]


@admin.register(TrusteeMembership)
class TrusteeMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "trust", "is_chair", "started_on", "ended_on"]


@admin.register(ParentLink)
class ParentLinkAdmin(SimpleHistoryAdmin):
    list_display = ["parent", "child", "relationship", "ended_on"]
    autocomplete_fields = ["parent", "child"]


@admin.register(TrustLead)
class TrustLeadAdmin(SimpleHistoryAdmin):
    list_display = ["user", "trust", "started_on", "ended_on"]
    autocomplete_fields = ["user"]


@admin.register(ClosureDay)
class ClosureDayAdmin(SimpleHistoryAdmin):
    list_display = ["school", "date", "reason"]
    list_filter = ["school"]


@admin.register(LocalContact)
class LocalContactAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "name", "phone", "school", "trust"]
    list_filter = ["kind", "trust", "school"]
