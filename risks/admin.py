"""Django admin for the register: matrices, risks and filtering reviews, to look at only.

The register is evidence: every change goes through the pages, whose services keep the
rules (who may accept, re-score, sign) and the attributed history. The admin can't add,
change or delete these records; linked incidents and signed PDFs are not shown here.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from .models import FilteringReview, Matrix, Risk


class LookOnly:
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


@admin.register(Matrix)
class MatrixAdmin(LookOnly, SimpleHistoryAdmin):
    list_display = ["name", "trust", "size", "is_current", "created_at"]


@admin.register(Risk)
class RiskAdmin(LookOnly, SimpleHistoryAdmin):
    list_display = ["reference", "title", "school", "band", "score", "status", "review_due"]
    list_filter = ["school", "status", "band"]
    search_fields = ["title"]
    list_select_related = ["school"]


@admin.register(FilteringReview)
class FilteringReviewAdmin(LookOnly, SimpleHistoryAdmin):
    list_display = ["school", "reason", "held_on", "head_signed_at", "trustee_signed_at"]
    list_filter = ["school", "reason"]
    exclude = ["incidents", "reason_detail"]
