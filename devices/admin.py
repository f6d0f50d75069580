"""Django admin for devices: the inventory, software and disposals, to look at only.

Changes go through the pages, whose services keep the rules and the attributed history.
Loans, confiscations, searches and breaches are not registered: they are about pupils and
staff and are seen only through the need-to-know rules in devices/rules.py.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from .models import Device, Disposal, Software


class NoChanges:
    """Look, don't touch: no add, change, delete or history revert in the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Device)
class DeviceAdmin(NoChanges, SimpleHistoryAdmin):
    list_display = ["asset_tag", "school", "kind", "status", "encryption"]
    list_filter = ["school", "kind", "status", "encryption"]
    search_fields = ["asset_tag", "serial", "make_model"]
    exclude = ["assigned_to"]


@admin.register(Software)
class SoftwareAdmin(NoChanges, SimpleHistoryAdmin):
    list_display = ["name", "school", "used_by", "dpia_done_on", "review_due"]
    list_filter = ["school", "used_by"]


@admin.register(Disposal)
class DisposalAdmin(NoChanges, SimpleHistoryAdmin):
    list_display = ["disposed_on", "school", "method", "company"]
    list_filter = ["school", "method"]
