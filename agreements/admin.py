"""Django admin for agreements: documents, versions and policy reviews, to look at only.

Every change goes through the pages, whose services keep the workflow (sign-off,
approval, publishing, the re-sign campaign) and the history: the admin can't add, change
or delete any of these records.

Signatures and consent answers are not registered at all (see esafety/admin.py): a
signature is never edited or deleted, and who signed what for which child is seen only
through the need-to-know rules in esafety/roles.py. `NoChanges` is the admin every
agreements record would use if it were ever registered.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from .models import Document, PolicyReview, Version


class NoChanges:
    """Look, don't touch: no add, change or delete in the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history lets anyone who may view a record post a "revert" here.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Document)
class DocumentAdmin(NoChanges, SimpleHistoryAdmin):
    list_display = ["title", "school", "kind", "review_due"]
    list_filter = ["school", "kind"]
    search_fields = ["title"]


@admin.register(Version)
class VersionAdmin(NoChanges, SimpleHistoryAdmin):
    list_display = ["document", "number", "status", "effective_date", "published_at"]
    list_filter = ["status", "document__school"]
    search_fields = ["document__title"]
    list_select_related = ["document"]


@admin.register(PolicyReview)
class PolicyReviewAdmin(NoChanges, SimpleHistoryAdmin):
    list_display = ["document", "reason", "opened_at", "reviewed_by", "closed_at"]
    list_filter = ["reason", "document__school"]
    list_select_related = ["document", "reviewed_by"]
    # Which incidents asked for it, and why, stay behind the incident rules.
    exclude = ["incidents", "reason_detail"]
