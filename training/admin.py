"""Read-only admin: training records are evidence for inspectors; they change through the
site, where every change is attributed."""

from django.contrib import admin

from .models import CPDRequest, Lesson, ParentSession, Requirement, TrainingRecord


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Requirement)
class RequirementAdmin(ReadOnlyAdmin):
    list_display = ["title", "school", "renew_months", "evidence", "is_active"]
    list_filter = ["school", "evidence", "is_active"]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(ReadOnlyAdmin):
    list_display = ["person", "title", "completed_on", "school", "verified_at"]
    list_filter = ["school"]
    search_fields = ["person__full_name", "title"]


@admin.register(CPDRequest)
class CPDRequestAdmin(ReadOnlyAdmin):
    list_display = ["requested_by", "topic", "status", "school"]


@admin.register(ParentSession)
class ParentSessionAdmin(ReadOnlyAdmin):
    list_display = ["topic", "starts_at", "school", "attendance_count"]


@admin.register(Lesson)
class LessonAdmin(ReadOnlyAdmin):
    list_display = ["topic", "taught_on", "year_group", "strand", "school"]
