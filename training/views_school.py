"""Parents' online-safety sessions and the online-safety curriculum map."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from esafety.forms import add_errors
from esafety.models import STAFF_ROLES, School
from esafety.once import redirect_as_done, was_already_done
from esafety.roles import require, schools_with_roles
from esafety.views_people import get_school

from . import curriculum, parent_sessions
from .forms import AttendanceForm, LessonForm, ParentSessionForm
from .models import Lesson, ParentSession

MANAGE = "training.manage"
LAST_LESSON = "training-last-lesson"  # the session remembers the class a teacher taught


@require_http_methods(["GET", "POST"])
def sessions(request, slug):
    school = get_school(request, slug, MANAGE)
    form = ParentSessionForm(request.POST or None, instance=ParentSession(school=school))
    if request.method == "POST" and form.is_valid():
        try:
            created = parent_sessions.save_session(session=form.save(commit=False), by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Session added. Invite the parents when you are ready.")
            return redirect(created.get_absolute_url())
    found = (
        ParentSession.objects.visible_to(request.user)
        .filter(school=school)
        .prefetch_related("attendees")
    )
    return render(
        request,
        "training/parent_sessions.html",
        {"school": school, "sessions": found, "form": form, "now": timezone.now()},
    )


def _session(request, slug, pk):
    school = get_school(request, slug, MANAGE)
    found = ParentSession.objects.visible_to(request.user).filter(school=school)
    return school, get_object_or_404(found, pk=pk)


@require_http_methods(["GET", "POST"])
def session_detail(request, slug, pk):
    """Invite the parents, then record who came."""
    school, found = _session(request, slug, pk)
    invited = found.invited.order_by("full_name")
    form = AttendanceForm(
        request.POST or None,
        invited=invited,
        initial={
            "attendance_count": found.attendance_count,
            "attendees": [p.pk for p in found.attendees.all()],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            parent_sessions.record_attendance(
                session=found,
                by=request.user,
                count=form.cleaned_data["attendance_count"],
                attendees=invited.filter(pk__in=form.cleaned_data["attendees"]),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Attendance recorded.")
            return redirect(found.get_absolute_url())
    return render(
        request,
        "training/parent_session.html",
        {
            "school": school,
            "session": found,
            "form": form,
            "invited_count": invited.count(),
            "happened": found.starts_at <= timezone.now(),
        },
    )


@require_POST
def session_invite(request, slug, pk):
    _, found = _session(request, slug, pk)
    try:
        count = parent_sessions.invite_parents(session=found, by=request.user)
        messages.success(request, f"Invited {count} parents (a notification each).")
    except ValidationError as error:
        if was_already_done(error):
            return redirect_as_done(request, error.message, found.get_absolute_url())
        messages.error(request, " ".join(error.messages))
    return redirect(found.get_absolute_url())


def curriculum_map(request, slug):
    school = get_school(request, slug, MANAGE)
    today = timezone.localdate()
    lessons = (
        Lesson.objects.visible_to(request.user)
        .filter(school=school, taught_on__gte=school.academic_year_start(today))
        .select_related("teacher", "incident__school")[:50]
    )
    return render(
        request,
        "training/curriculum.html",
        {"school": school, "grid": curriculum.coverage_grid(school, today), "lessons": lessons},
    )


def _teaching_schools(user):
    return School.objects.filter(pk__in=schools_with_roles(user, STAFF_ROLES)).order_by("name")


def _open_actions(user, school):
    """Open incident actions this person may carry out in the school (an education action
    given to them, or any for the school's leads), or None when there are none."""
    from incidents.models import TimelineEntry

    found = (
        TimelineEntry.objects.actions_visible_to(user)
        .filter(incident__school=school, done_at__isnull=True)
        .select_related("incident__school")
        .order_by("-created_at")
    )
    return found if found.exists() else None


@require_http_methods(["GET", "POST"])
def lessons(request):
    """A teacher records a lesson in one form; the class comes back as it was last time."""
    require(request.user, "training.use_lessons")
    schools = list(_teaching_schools(request.user))
    school = next((s for s in schools if s.slug == request.POST.get("school")), schools[0])
    require(request.user, "training.record_lessons", school)
    last = request.session.get(LAST_LESSON, {})
    form = LessonForm(
        request.POST or None,
        instance=Lesson(school=school, teacher=request.user),
        actions=_open_actions(request.user, school),
        initial={"taught_on": timezone.localdate(), **last},
    )
    if request.method == "POST" and form.is_valid():
        try:
            lesson = curriculum.record_lesson(lesson=form.save(commit=False), by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            request.session[LAST_LESSON] = {
                "year_group": lesson.year_group,
                "class_name": lesson.class_name,
            }
            messages.success(request, f"Recorded: {lesson.topic}.")
            return redirect("training-lessons")
    mine = Lesson.objects.filter(teacher=request.user).select_related("school", "incident__school")[
        :30
    ]
    return render(
        request,
        "training/lessons.html",
        {"form": form, "lessons": mine, "schools": schools, "school": school},
    )
