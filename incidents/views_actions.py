"""Actions given to people: "My actions", one action's page, marking it done.

The person an action is for may see that action (its text, due date, the incident's
number and school) and nothing else of the incident unless another rule lets them.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from esafety.roles import allowed, require

from . import services
from .forms import ActionDoneForm
from .models import TimelineEntry


def get_action(request, pk, rule="incidents.view_action") -> TimelineEntry:
    """In scope and allowed, or 404: the reporter of an incident, say, must not learn which
    actions it has."""
    entry = get_object_or_404(
        TimelineEntry.objects.actions_visible_to(request.user).select_related(
            "incident__school", "owner", "done_by", "created_by"
        ),
        pk=pk,
    )
    if not allowed(request.user, rule, entry):
        raise Http404
    return entry


def my_actions(request):
    require(request.user, "incidents.use_actions")
    mine = (
        TimelineEntry.objects.actions_visible_to(request.user)
        .filter(owner=request.user)
        .select_related("incident__school")
    )
    to_do = mine.filter(done_at__isnull=True).order_by("due_on", "created_at")
    done = mine.filter(done_at__isnull=False).order_by("-done_at")
    page = Paginator(done, 25).get_page(request.GET.get("page"))
    return render(
        request, "incidents/actions/mine.html", {"to_do": list(to_do[:100]), "page": page}
    )


def action_detail(request, pk):
    entry = get_action(request, pk)
    form = ActionDoneForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "incidents.complete_action", entry)
        if form.is_valid():
            note = form.cleaned_data["note"]
            entry = services.complete_action(entry=entry, by=request.user, note=note)
            if entry.done_by == request.user:
                messages.success(request, "Action marked as done. Thank you.")
            else:
                messages.info(request, f"{entry.done_by} had already marked it done.")
            return redirect("action-detail", pk=entry.pk)
    return render(
        request,
        "incidents/actions/detail.html",
        {
            "entry": entry,
            "incident": entry.incident,
            "form": form,
            # The incident's page only for those who may already see it.
            "sees_incident": allowed(request.user, "incidents.view", entry.incident),
        },
        status=400 if request.method == "POST" else 200,
    )
