"""A child's file to the next school: the school's list (outgoing and incoming), one
transfer's page with its steps, choosing the records, deciding on flagged names, sending,
receipt. Thin: the rules are in transfers.py and transfer_files.py. A transfer is found
only among those `transfers_for` gives the person (a headteacher never finds one of a
pupil in a concern about them; the new school only once it was sent)."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from esafety.forms import add_errors
from esafety.models import Membership, Role, School, User
from esafety.once import FIELD, first_time, once_token, redirect_as_done, was_already_done
from esafety.params import parse_id
from esafety.pdf import pdf_response
from esafety.views_people import get_school

from . import transfer_files, transfers
from .forms_transfers import DecisionForm, NotNeededForm, ReceiptForm, SendForm, StartForm
from .models_transfers import OPEN_STATUSES, Redaction, TransferStatus

RULE = "incidents.transfers"
DONE_SHOWN = 50
LEAVERS_SHOWN_DAYS = 365


def _posted(request):
    return request.POST if request.method == "POST" else None


def _get(request, slug, pk):
    """The transfer, as this school sees it: ("out", t) for the sender, ("in", t) for the
    new school; anything else is not found."""
    school = get_school(request, slug, RULE)
    outgoing, incoming = transfers.transfers_for(request.user, school)
    related = ("school__trust", "pupil", "destination_school", "sent_by", "received_by")
    for side, rows in (("out", outgoing), ("in", incoming)):
        transfer = rows.select_related(*related).filter(pk=pk).first()
        if transfer:
            return school, side, transfer
    raise Http404


def transfer_list(request, slug):
    school = get_school(request, slug, RULE)
    outgoing, incoming = transfers.transfers_for(request.user, school)
    outgoing = outgoing.select_related("pupil", "school")
    return render(
        request,
        "incidents/transfers/list.html",
        {
            "school": school,
            "to_do": list(outgoing.open()),
            "done": list(outgoing.exclude(status__in=OPEN_STATUSES).order_by("-pk")[:DONE_SHOWN]),
            "incoming": list(incoming.select_related("pupil", "school").order_by("-sent_at")),
            "today": timezone.localdate(),
        },
    )


def transfer_start(request, slug):
    """Start one by hand (the MIS sync gave no destination, or the move came later)."""
    school = get_school(request, slug, RULE)
    since = timezone.localdate() - datetime.timedelta(days=LEAVERS_SHOWN_DAYS)
    pupils = User.objects.filter(
        pk__in=Membership.objects.filter(school=school, role=Role.PUPIL)
        .exclude(ended_on__lt=since)
        .values("user_id")
    ).order_by("full_name", "pk")
    schools = School.objects.filter(trust_id=school.trust_id).exclude(pk=school.pk)
    form = StartForm(_posted(request), pupils=pupils, schools=schools, once=once_token(request))

    def start():
        data = form.cleaned_data
        transfer, made = transfers.open_transfer(
            school=school,
            pupil=data["pupil"],
            last_day=data["last_day"],
            destination=data["destination_name"],
            destination_school=data["destination_school"],
            by=request.user,
        )
        if made:
            messages.success(request, f"Started. Send the file by {transfer.due_on:%A %-d %B}.")
        else:
            messages.info(request, "This pupil's transfer was already started.")
        return redirect(transfer.get_absolute_url())

    if request.method == "POST" and form.is_valid():
        return first_time(
            request,
            start,
            while_saving=reverse("transfer-list", args=[school.slug]),
            repeated="You sent this twice; the transfer was started once.",
        )
    return _form_page(request, school, form, "Start a child's file transfer")


def _form_page(request, school, form, title, transfer=None, intro=""):
    return render(
        request,
        "incidents/transfers/form.html",
        {"school": school, "form": form, "title": title, "transfer": transfer, "intro": intro},
        status=400 if form.errors else 200,
    )


def transfer_detail(request, slug, pk):
    school, side, transfer = _get(request, slug, pk)
    context = {"school": school, "transfer": transfer, "side": side}
    if side == "out":
        items = list(transfer.items.prefetch_related("redactions__decided_by"))
        context.update(
            items=items,
            undecided=sum(1 for i in items for r in i.redactions.all() if not r.decided),
            holidays_unknown=transfer.is_open
            and transfers.holidays_unknown(transfer.school, transfer.last_day),
            history=transfer.history.select_related("history_user").order_by("-history_date")[:30],
            decision_form=DecisionForm(),
        )
    return render(request, "incidents/transfers/detail.html", context)


def transfer_choose(request, slug, pk):
    """Tick the records that go in the file; the names in them are flagged on saving."""
    school, side, transfer = _get(request, slug, pk)
    if side != "out":
        raise Http404
    found = transfer_files.found_records(transfer, request.user)
    chosen = {item.ref for item in transfer.items.all()} or transfer_files.first_choice(
        transfer, found
    )
    error = ""
    if request.method == "POST":
        chosen = set(request.POST.getlist("record"))
        try:
            transfer_files.choose_records(
                transfer=transfer, by=request.user, refs=sorted(chosen), found=found
            )
        except ValidationError as problem:
            if was_already_done(problem):
                return redirect_as_done(request, problem.messages[0], transfer.get_absolute_url())
            error = " ".join(problem.messages)
        else:
            messages.success(request, "The file's records are saved; check the flagged names.")
            return redirect(transfer.get_absolute_url())
    return render(
        request,
        "incidents/transfers/choose.html",
        {"school": school, "transfer": transfer, "found": found, "chosen": chosen, "error": error},
        status=400 if error else 200,
    )


def transfer_decide(request, slug, pk, redaction_pk):
    """One flagged name's decision (posted from the transfer's page)."""
    _school, side, transfer = _get(request, slug, pk)
    if side != "out" or request.method != "POST" or parse_id(redaction_pk) is None:
        raise Http404
    get_object_or_404(Redaction, item__transfer=transfer, pk=redaction_pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            transfer_files.decide(
                transfer=transfer, by=request.user, redaction_id=redaction_pk, **form.cleaned_data
            )
        except ValidationError as problem:
            if was_already_done(problem):
                return redirect_as_done(request, problem.messages[0], transfer.get_absolute_url())
            messages.error(request, " ".join(problem.messages))
        else:
            messages.success(request, "Your decision is recorded.")
    else:
        messages.error(request, "Choose to replace the name or keep it.")
    return redirect(transfer.get_absolute_url() + f"#name-{redaction_pk}")


def _step(request, slug, pk, form, title, do, done_message, intro="", side_needed="out"):
    school, side, transfer = _get(request, slug, pk)
    if side != side_needed:
        raise Http404
    form = form(transfer)

    def act():
        data = {k: v for k, v in form.cleaned_data.items() if k != FIELD}
        try:
            do(transfer, data)
        except ValidationError as problem:
            if was_already_done(problem):
                return redirect_as_done(request, problem.messages[0], transfer.get_absolute_url())
            add_errors(form, problem)
            return _form_page(request, school, form, title, transfer, intro)
        messages.success(request, done_message)
        return redirect(transfer.get_absolute_url())

    if request.method == "POST" and form.is_valid():
        return first_time(
            request,
            act,
            while_saving=transfer.get_absolute_url(),
            repeated="You sent this twice; it was saved once.",
        )
    return _form_page(request, school, form, title, transfer, intro)


def transfer_send(request, slug, pk):
    def do(transfer, data):
        transfers.send(
            transfer=transfer,
            by=request.user,
            pdf_for=transfer_files.render_file,
            how=data["how"],
            note=data["note"],
        )

    return _step(
        request,
        slug,
        pk,
        lambda t: SendForm(_posted(request), in_trust=t.in_trust),
        "Send the file",
        do,
        "Sent. The file as sent is kept with the transfer.",
        intro="The file is kept exactly as it is now. For a school outside the trust, "
        "download it, send it securely, then record it here.",
    )


def transfer_not_needed(request, slug, pk):
    return _step(
        request,
        slug,
        pk,
        lambda t: NotNeededForm(_posted(request)),
        "Nothing to send",
        lambda t, data: transfers.mark_not_needed(transfer=t, by=request.user, **data),
        "Recorded: nothing to send.",
    )


def transfer_receipt(request, slug, pk):
    """A school outside the trust confirmed receipt: recorded by the sender."""
    return _step(
        request,
        slug,
        pk,
        lambda t: ReceiptForm(_posted(request), request.FILES or None),
        "Record the receipt",
        lambda t, data: transfers.record_receipt(transfer=t, by=request.user, **data),
        "The receipt is recorded.",
    )


def transfer_confirm(request, slug, pk):
    """The new school in the trust confirms receipt with one click."""
    school, side, transfer = _get(request, slug, pk)
    if side != "in" or request.method != "POST":
        raise Http404
    try:
        transfers.confirm_receipt(transfer=transfer, by=request.user)
    except ValidationError as problem:
        return redirect_as_done(request, problem.messages[0], "transfer-detail", school.slug, pk)
    messages.success(request, "Receipt confirmed. The sending school has been told.")
    return redirect("transfer-detail", school.slug, transfer.pk)


def transfer_file(request, slug, pk):
    """The file as sent (both schools), or before sending a preview as the officer sees
    it now (refused whole if it holds a record they may not see)."""
    _school, side, transfer = _get(request, slug, pk)
    name = f"child-protection-file-{transfer.pupil.pk}-{transfer.pk}.pdf"
    if transfer.bundle:
        response = FileResponse(transfer.bundle.open("rb"), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response
    if side != "out" or transfer.status != TransferStatus.TO_SEND or not transfer.items.exists():
        raise Http404
    return pdf_response(transfer_files.render_file(transfer, request.user), name)


def transfer_receipt_file(request, slug, pk):
    _school, side, transfer = _get(request, slug, pk)
    if side != "out" or not transfer.receipt:
        raise Http404
    response = FileResponse(transfer.receipt.open("rb"), as_attachment=True)
    response["Cache-Control"] = "no-store"
    return response
