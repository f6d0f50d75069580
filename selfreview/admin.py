"""The self-review is a governance record: the admin shows it read-only (changes go
through the pages, which keep the rules and the history)."""

from django.contrib import admin

from .models import SelfReview


@admin.register(SelfReview)
class SelfReviewAdmin(admin.ModelAdmin):
    list_display = ("school", "year_start", "head_signed_at", "chair_signed_at")
    list_filter = ("school",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
