"""Leaver checklist pages: the school's list, one checklist, its accounts, hand-overs."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from esafety.forms import add_errors
from esafety.leaver_checklist import HAND_OVER, items_for, outstanding
from esafety.once import redirect_as_done, was_already_done
from esafety.roles import require
from esafety.views_people import get_school

from . import leavers
from .forms import posted
from .forms_leavers import AccountsForm, HandOverForm
from .models_leavers import LeaverChecklist

DONE_SHOWN = 20


def get_checklist(request, pk) -> LeaverChecklist:
    checklist = get_object_or_404(
        LeaverChecklist.objects.visible_to(request.user).select_related(
            "school", "person", "completed_by"
        ),
        pk=pk,
    )
    require(request.user, "devices.leavers", checklist.school)
    return checklist


def leaver_list(request, slug):
    school = get_school(request, slug, "devices.leavers")
    rows = LeaverChecklist.objects.filter(school=school).select_related("person")
    return render(
        request,
        "devices/leavers/list.html",
        {
            "school": school,
            "open": rows.open().order_by("ended_on", "pk"),
            "done": rows.filter(completed_at__isnull=False).order_by("-completed_at")[:DONE_SHOWN],
            "today": timezone.localdate(),
        },
    )


def _page(request, checklist, hand_over_form=None, status=200):
    found = items_for(checklist.person, checklist.school)
    people = list(leavers.recipients(checklist))  # once: every hand-over's list of names
    handed = checklist.hand_overs.select_related("to", "by")
    sections = []
    for entry, items in found:
        rows = []
        for item in items:
            form = None
            if item.kind == HAND_OVER and not item.done and checklist.completed_at is None:
                bound = hand_over_form
                same = bound is not None and bound.data.get("source") == entry.name
                if same and str(item.pk) == bound.data.get("item"):
                    form = bound
                else:
                    form = HandOverForm(
                        initial={"source": entry.name, "item": item.pk},
                        recipients=leavers.recipients(checklist),
                    )
            sid = f"{entry.name}-{item.pk}".replace(".", "-")
            rows.append({"item": item, "form": form, "sid": sid})
        sections.append({"label": entry.label, "rows": rows})
    return render(
        request,
        "devices/leavers/detail.html",
        {
            "checklist": checklist,
            "school": checklist.school,
            "sections": sections,
            "outstanding": outstanding(found),
            "hand_overs": list(handed),
            "people": people,
            "today": timezone.localdate(),
        },
        status=status,
    )


def checklist_detail(request, pk):
    return _page(request, get_checklist(request, pk))


@require_POST
def checklist_hand_over(request, pk):
    checklist = get_checklist(request, pk)
    form = HandOverForm(request.POST, recipients=leavers.recipients(checklist))
    if form.is_valid():
        data = form.cleaned_data
        try:
            record = leavers.hand_over(
                checklist=checklist,
                source_name=data["source"],
                item_pk=data["item"],
                to=data["to"],
                by=request.user,
            )
        except ValidationError as error:
            if was_already_done(error):
                return redirect_as_done(request, error.message, "leaver-checklist", pk=pk)
            add_errors(form, error)
        else:
            messages.success(request, f"{record.what} was handed over to {record.to}.")
            return redirect("leaver-checklist", pk=pk)
    return _page(request, checklist, hand_over_form=form, status=400)


def checklist_accounts(request, pk):
    checklist = get_checklist(request, pk)
    initial = {field: getattr(checklist, field) for field in AccountsForm.base_fields}
    form = AccountsForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            leavers.record_accounts(checklist=checklist, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "The accounts were saved.")
            return redirect("leaver-checklist", pk=pk)
    return render(
        request,
        "devices/leavers/accounts.html",
        {"checklist": checklist, "school": checklist.school, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
def checklist_complete(request, pk):
    checklist = get_checklist(request, pk)
    try:
        leavers.complete(checklist=checklist, by=request.user)
    except ValidationError as error:
        if was_already_done(error):
            return redirect_as_done(request, error.message, "leaver-checklist", pk=pk)
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The leaver checklist for {checklist.person} is complete.")
    return redirect("leaver-checklist", pk=pk)
