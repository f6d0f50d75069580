"""The "What to do if..." guides: the school's list, one step of a walk (a question with
its answers as links, or advice with the school's own contacts), the end (recorded, then
the form it opens), and the school leads' copy and edit pages. Thin: walking and
recording are in guides.py, who may do what in rules.py."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from esafety.contacts import contacts_for
from esafety.forms import add_errors
from esafety.roles import allowed
from esafety.views_people import get_school

from . import guides
from .forms_guides import StepForm
from .models_guides import EndAction, StepKind

END_BUTTONS = {
    EndAction.INCIDENT: "Open the incident form, filled in",
    EndAction.CONCERN: "Open the low-level concern form",
    EndAction.NOTHING: "Finish the guide",
}


def _guide(school, slug, *, published_only=True):
    guide = guides.guide_for(school, slug, published_only=published_only)
    if guide is None:
        raise Http404("No such guide.")
    return guide


def guide_list(request, slug):
    school = get_school(request, slug, "incidents.guides")
    return render(
        request,
        "incidents/guides/list.html",
        {
            "school": school,
            "guides": guides.guides_for(school),
            "can_edit": allowed(request.user, "incidents.edit_guides", school),
        },
    )


def _contacts(school, step) -> list:
    """The school's entries for the kinds of contact the step names, in the step's order."""
    if not step.contact_kinds:
        return []
    by_kind = {entry.kind: entry for entry in contacts_for(school)}
    return [by_kind[kind] for kind in step.contact_kinds if kind in by_kind]


def guide_step(request, slug, guide):
    """One step of a walk; the answers chosen so far are in `?path=` (e.g. 2-1)."""
    school = get_school(request, slug, "incidents.guides")
    walked = guides.walk(_guide(school, guide), request.GET.get("path"))
    step_url = reverse("guide-step", args=[school.slug, walked.guide.slug])
    answers = [
        (answer, f"{step_url}?{urlencode({'path': walked.path_after(number)})}")
        for number, answer in enumerate(walked.step.answers.all(), start=1)
    ]
    back = walked.back_path
    return render(
        request,
        "incidents/guides/step.html",
        {
            "school": school,
            "guide": walked.guide,
            "walked": walked,
            "step": walked.step,
            "number": len(walked.choices) + 1,
            "is_question": walked.step.kind == StepKind.QUESTION,
            "answers": answers,
            "back_url": None if back is None else f"{step_url}?{urlencode({'path': back})}",
            "contacts": _contacts(school, walked.step),
            "end_button": END_BUTTONS.get(walked.step.end_action, END_BUTTONS[""]),
        },
    )


@require_POST
def guide_finish(request, slug, guide):
    """The end of a walk: recorded (it may count for training), then the form it opens."""
    school = get_school(request, slug, "incidents.guides")
    walked = guides.walk(_guide(school, guide), request.POST.get("path"))
    try:
        completion = guides.record_completion(user=request.user, school=school, walked=walked)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("guide-step", slug=school.slug, guide=walked.guide.slug)
    if walked.step.end_action == EndAction.INCIDENT:
        query = urlencode({"school": school.slug, "guide": completion.pk})
        return redirect(f"{reverse('incident-create')}?{query}")
    if walked.step.end_action == EndAction.CONCERN:
        return redirect("concern-create", slug=school.slug)
    messages.success(request, f"You have walked through '{walked.guide.title}'. Thank you.")
    return redirect("guide-list", slug=school.slug)


# --- the school leads' pages ----------------------------------------------------------------


def guide_edit(request, slug, guide):
    """A guide's steps, each with a link to edit it once the school has its own copy."""
    school = get_school(request, slug, "incidents.edit_guides")
    shown = _guide(school, guide, published_only=False)
    steps = list(shown.steps.prefetch_related("answers"))
    return render(
        request,
        "incidents/guides/edit.html",
        {"school": school, "guide": shown, "steps": steps},
    )


@require_POST
def guide_copy(request, slug, guide):
    school = get_school(request, slug, "incidents.edit_guides")
    copy = guides.make_school_copy(
        school=school, guide=_guide(school, guide, published_only=False), by=request.user
    )
    messages.success(request, f"{school.name} now has its own copy of '{copy.title}' to edit.")
    return redirect("guide-edit", slug=school.slug, guide=copy.slug)


def guide_step_edit(request, slug, guide, pk):
    school = get_school(request, slug, "incidents.edit_guides")
    shown = _guide(school, guide, published_only=False)
    if shown.is_standard:
        raise Http404("Make the school's own copy first.")
    step = get_object_or_404(shown.steps.prefetch_related("answers__next_step"), pk=pk)
    form = StepForm(request.POST or None, instance=step)
    if request.method == "POST" and form.is_valid():
        try:
            guides.save_step(
                step=form.instance, answer_labels=form.answer_labels(), by=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "The step is saved.")
            return redirect("guide-edit", slug=school.slug, guide=shown.slug)
    return render(
        request,
        "incidents/guides/step_form.html",
        {"school": school, "guide": shown, "step": step, "form": form},
    )
