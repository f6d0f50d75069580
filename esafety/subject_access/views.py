"""The subject access register's pages: thin; the rules are in services.py, the search
in holdings.py. Every page is the school's (its leads only, by the register's rule); a
request is fetched within the school, so another school's is not found."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from ..forms import add_errors
from ..models_subject_access import SarStatus, SubjectAccessRequest
from ..once import FIELD, first_time, once_token, redirect_as_done, was_already_done
from ..pdf import pdf_response, render_pdf
from ..views_people import get_school
from . import services
from .deadlines import respond_by
from .forms import (
    CloseForm,
    ExtendForm,
    HandlerForm,
    IdentityForm,
    RequestForm,
    SentForm,
    WithheldSummaryForm,
)
from .holdings import SEARCH_RULE, everything_about, records_by_ref

CLOSED_SHOWN = 50


def _posted(request):
    """The form's data when it was sent (even empty, so it is checked), else None."""
    return request.POST if request.method == "POST" else None


def _school(request, slug):
    return get_school(request, slug, SEARCH_RULE)


def _sar(school, pk) -> SubjectAccessRequest:
    return get_object_or_404(
        SubjectAccessRequest.objects.filter(school=school).select_related(
            "school", "subject", "handled_by"
        ),
        pk=pk,
    )


def sar_list(request, slug):
    """Open requests, soonest deadline first, with their clocks; then the last ones done."""
    school = _school(request, slug)
    rows = SubjectAccessRequest.objects.filter(school=school).select_related("subject", "school")
    open_requests = sorted(rows.filter(status=SarStatus.OPEN), key=lambda s: (s.deadline, s.pk))
    done = rows.exclude(status=SarStatus.OPEN).order_by("-received_on", "-pk")[:CLOSED_SHOWN]
    return render(
        request,
        "esafety/subject_access/list.html",
        {"school": school, "open_requests": open_requests, "done": done},
    )


def sar_add(request, slug):
    school = _school(request, slug)
    form = RequestForm(
        _posted(request), people=services.people_of(school), once=once_token(request)
    )

    def add():
        data = {k: v for k, v in form.cleaned_data.items() if k != FIELD}
        try:
            sar = services.record_request(school=school, by=request.user, **data)
        except ValidationError as error:
            add_errors(form, error)
            return _form_page(request, school, form, "Record a subject access request")
        messages.success(
            request, f"{sar.reference} is in the register. Respond by {sar.due_on:%-d %B %Y}."
        )
        return redirect(sar.get_absolute_url())

    if request.method == "POST" and form.is_valid():
        return first_time(
            request,
            add,
            while_saving=reverse("sar-list", args=[school.slug]),
            repeated="You sent this request twice; it was recorded once.",
        )
    return _form_page(request, school, form, "Record a subject access request")


def _form_page(request, school, form, title, sar=None, intro=""):
    return render(
        request,
        "esafety/subject_access/form.html",
        {"school": school, "form": form, "title": title, "sar": sar, "intro": intro},
        status=400 if form.errors else 200,
    )


def sar_detail(request, slug, pk):
    school = _school(request, slug)
    sar = _sar(school, pk)
    found = everything_about(sar.subject, searcher=request.user, school=school)
    visible = records_by_ref(found)
    # Only decisions on records this person may see now: a decision on a record hidden
    # from them (an incident about them) is neither listed nor counted.
    decisions = [item for item in sar.items.all() if item.ref in visible]
    _, moved = respond_by(sar.clock_starts_on, 1)
    return render(
        request,
        "esafety/subject_access/detail.html",
        {
            "school": school,
            "sar": sar,
            "disclosed": [d for d in decisions if d.disclose],
            "withheld": [d for d in decisions if not d.disclose],
            "moved": moved,
            "history": sar.history.select_related("history_user").order_by("-history_date")[:30],
        },
    )


def _step(request, slug, pk, form_class, title, do, done_message, intro="", form_kwargs=None):
    """A do-once step on a request (identity, extension, sent, closed, handed over): the
    form, the service, a second click sent back to the request with a note.
    `form_kwargs(school, sar)` gives a form what it chooses from."""
    school = _school(request, slug)
    sar = _sar(school, pk)
    extra = form_kwargs(school, sar) if form_kwargs else {}
    form = form_class(_posted(request), once=once_token(request), **extra)

    def act():
        data = {k: v for k, v in form.cleaned_data.items() if k != FIELD}
        try:
            do(sar, data)
        except ValidationError as error:
            if was_already_done(error):
                return redirect_as_done(request, error.messages[0], sar.get_absolute_url())
            add_errors(form, error)
            return _form_page(request, school, form, title, sar, intro)
        messages.success(request, done_message)
        return redirect(sar.get_absolute_url())

    if request.method == "POST" and form.is_valid():
        return first_time(
            request,
            act,
            while_saving=sar.get_absolute_url(),
            repeated="You sent this twice; it was saved once.",
        )
    if request.method == "GET" and not sar.is_open:
        return redirect_as_done(
            request, f"This request is {sar.get_status_display().lower()}.", sar.get_absolute_url()
        )
    return _form_page(request, school, form, title, sar, intro)


def sar_handler(request, slug, pk):
    return _step(
        request,
        slug,
        pk,
        HandlerForm,
        "Hand the request to someone else",
        lambda sar, d: services.hand_to(sar=sar, by=request.user, to=d["handled_by"]),
        "The request is handed over. They are told, and its reminders now go to them.",
        "Whoever handles it is reminded of its deadline and answers it.",
        form_kwargs=lambda school, sar: {
            "leads": services.possible_handlers(school),
            "current": sar.handled_by,
        },
    )


def sar_identity(request, slug, pk):
    return _step(
        request,
        slug,
        pk,
        IdentityForm,
        "Record the identity check",
        lambda sar, d: services.record_identity_check(
            sar=sar, by=request.user, how=d["how"], identity_received_on=d["identity_received_on"]
        ),
        "The identity check is recorded.",
        "Ask only for what you need to be sure who they are (and, for a parent, that they "
        "may act for the child).",
    )


def sar_extend(request, slug, pk):
    return _step(
        request,
        slug,
        pk,
        ExtendForm,
        "Extend the deadline",
        lambda sar, d: services.extend(
            sar=sar, by=request.user, months=d["months"], reason=d["reason"]
        ),
        "The deadline is extended. Tell the requester, with the reason.",
    )


def sar_sent(request, slug, pk):
    return _step(
        request,
        slug,
        pk,
        SentForm,
        "Mark the answer as sent",
        lambda sar, d: services.mark_sent(
            sar=sar, by=request.user, sent_on=d["sent_on"], how=d["how"]
        ),
        "The request is marked as answered.",
    )


def sar_close(request, slug, pk):
    return _step(
        request,
        slug,
        pk,
        CloseForm,
        "Refuse or withdraw the request",
        lambda sar, d: services.close(
            sar=sar, by=request.user, status=d["status"], reason=d["reason"]
        ),
        "The request is closed, with its reason.",
    )


def sar_search(request, slug, pk):
    """Everything the school holds about the person that this officer may see, each with
    a choice to withhold it (and why); saving records what was searched and decided."""
    school = _school(request, slug)
    sar = _sar(school, pk)
    found = everything_about(sar.subject, searcher=request.user, school=school)
    decided = {item.ref: item for item in sar.items.all()}
    form = WithheldSummaryForm(_posted(request), initial={"withheld_summary": sar.withheld_summary})
    withheld = {}
    if request.method == "POST":
        withheld = {
            ref: request.POST.get(f"reason:{ref}", "")[:1000]
            for ref in request.POST.getlist("withhold")
        }
        if form.is_valid():
            try:
                services.record_search(
                    sar=sar,
                    by=request.user,
                    found=found,
                    withheld=withheld,
                    withheld_summary=form.cleaned_data["withheld_summary"],
                )
            except ValidationError as error:
                if was_already_done(error):
                    return redirect_as_done(request, error.messages[0], sar.get_absolute_url())
                add_errors(form, error)
            else:
                messages.success(request, "The search and your decisions are recorded.")
                return redirect(sar.get_absolute_url())
    else:
        withheld = {ref: item.withheld_reason for ref, item in decided.items() if not item.disclose}
    return render(
        request,
        "esafety/subject_access/search.html",
        {
            "school": school,
            "sar": sar,
            "found": found,
            "total": sum(len(group.records) for group in found),
            "withheld": withheld,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def sar_pdf(request, slug, pk):
    """The records chosen for disclosure, as one PDF: the search run again as the person
    downloading it, so it holds nothing they may not see."""
    school = _school(request, slug)
    sar = _sar(school, pk)
    found = everything_about(sar.subject, searcher=request.user, school=school)
    visible = records_by_ref(found)
    chosen = [visible[item.ref] for item in sar.items.filter(disclose=True) if item.ref in visible]
    pdf = render_pdf(
        "esafety/subject_access/disclosure_pdf.html",
        {"sar": sar, "records": chosen},
        school=school,
        title=f"Subject access {sar.reference}",
    )
    return pdf_response(pdf, f"subject-access-{sar.reference}.pdf")
