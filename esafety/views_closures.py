"""A school's closure days (INSET, snow days): working-day deadlines skip them. And its
holidays (half term, summer): only school-day deadlines skip those."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from .forms import ClosureDayForm, HolidayForm, add_errors
from .models import ClosureDay, SchoolHoliday
from .once import FIELD, first_time, once_token
from .params import id_or_404
from .services import add_closure_day, add_holiday, remove_closure_day, remove_holiday
from .views_people import get_school

HISTORY_SHOWN = 50


def closure_days(request, slug):
    """The list (this term onwards), a form to add one, a button to remove each, and who
    added or removed which day."""
    school = get_school(request, slug, "esafety.manage_closure_days")
    if request.method == "POST" and "remove" in request.POST:
        remove_closure_day(school=school, by=request.user, pk=id_or_404(request.POST["remove"]))
        messages.success(request, "The closure day was removed.")
        return redirect("closure-days", slug=school.slug)
    if request.method == "POST" and "remove_holiday" in request.POST:
        remove_holiday(school=school, by=request.user, pk=id_or_404(request.POST["remove_holiday"]))
        messages.success(request, "The holiday was removed.")
        return redirect("closure-days", slug=school.slug)
    if request.method == "POST" and request.POST.get("kind") == "holiday":
        return _holiday(request, school)
    form = ClosureDayForm(request.POST or None, school=school, once=once_token(request))

    def add():
        """The service may refuse a valid form (the day was added meanwhile): the form is
        shown again with its error, and `first_time` frees its token for the corrected one."""
        data = {k: v for k, v in form.cleaned_data.items() if k != FIELD}
        try:
            day = add_closure_day(school=school, by=request.user, **data)
        except ValidationError as error:
            add_errors(form, error)
            return _page(request, school, form)
        messages.success(request, f"{day.date:%a %-d %b %Y} was added as a closure day.")
        return redirect("closure-days", slug=school.slug)

    if request.method == "POST" and form.is_valid():
        return first_time(
            request,
            add,
            while_saving=request.path,
            repeated="You sent this day twice; it was added once.",
        )
    return _page(request, school, form)


def _holiday(request, school):
    form = HolidayForm(request.POST, once=once_token(request))

    def add():
        data = {k: v for k, v in form.cleaned_data.items() if k not in (FIELD, "kind")}
        try:
            holiday = add_holiday(school=school, by=request.user, **data)
        except ValidationError as error:
            add_errors(form, error)
            return _page(request, school, ClosureDayForm(school=school), form)
        messages.success(request, f"{holiday} was added.")
        return redirect("closure-days", slug=school.slug)

    if form.is_valid():
        return first_time(
            request,
            add,
            while_saving=request.path,
            repeated="You sent this holiday twice; it was added once.",
        )
    return _page(request, school, ClosureDayForm(school=school), form)


def _page(request, school, form, holiday_form=None):
    """The lists (this term onwards), the forms to add, and the changes."""
    today = timezone.localdate()
    holiday_form = holiday_form or HolidayForm(once=once_token(request))
    return render(
        request,
        "esafety/closure_days.html",
        {
            "school": school,
            "form": form,
            "holiday_form": holiday_form,
            "holidays": SchoolHoliday.objects.filter(school=school, ends_on__gte=today),
            "days": ClosureDay.objects.filter(school=school, date__gte=today),
            "past_count": ClosureDay.objects.filter(school=school, date__lt=today).count(),
            "history": ClosureDay.history.filter(school=school)
            .select_related("history_user")
            .order_by("-history_date")[:HISTORY_SHOWN],
        },
        status=400 if form.errors or holiday_form.errors else 200,
    )
