"""Loan pages: the technician's list, lending, hand-over, return; borrowers' own loans."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from esafety.forms import add_errors
from esafety.once import redirect_as_done, was_already_done
from esafety.roles import allowed, children_of, require
from esafety.views_people import get_school

from . import loans
from .forms import LendForm, ReturnForm, posted
from .loan_agreement import install_loan_agreements, loan_document, signature_for
from .models import Loan


def get_loan(request, pk, manage=False) -> Loan:
    loan = get_object_or_404(
        Loan.objects.visible_to(request.user).select_related(
            "school", "device", "borrower", "created_by", "handed_over_by", "return_checked_by"
        ),
        pk=pk,
    )
    if manage:
        require(request.user, "devices.manage", loan.school)
    return loan


def _agreements(school):
    rows = []
    for for_pupil, label in ((False, "Staff"), (True, "Home learning (parents sign)")):
        document = loan_document(school, for_pupil=for_pupil)
        version = document.current_version() if document else None
        rows.append({"label": label, "document": document, "version": version})
    return rows


LIST_SIZE = 50


def loan_list(request, slug):
    school = get_school(request, slug, "devices.manage")
    open_loans = (
        Loan.objects.open()
        .filter(school=school)
        .select_related("device", "borrower")
        .order_by("due_back")
    )
    return render(
        request,
        "devices/loans.html",
        {
            "school": school,
            "waiting": open_loans.filter(handed_over_at__isnull=True)[:LIST_SIZE],
            "page": Paginator(open_loans.filter(handed_over_at__isnull=False), LIST_SIZE).get_page(
                request.GET.get("page")
            ),
            "leavers": list(loans.leavers_loans(school)),
            "agreements": _agreements(school),
            "today": timezone.localdate(),
            "returned": Loan.objects.filter(school=school, returned_at__isnull=False)
            .select_related("device", "borrower", "return_checked_by")
            .order_by("-returned_at")[:20],
        },
    )


@require_POST
def loan_agreements_install(request, slug):
    school = get_school(request, slug, "devices.manage")
    created = install_loan_agreements(school=school, by=request.user)
    if created:
        messages.success(
            request,
            "The two loan agreements were added as drafts. The e-safety officer edits them, the "
            "headteacher signs them off, the trustees approve them and then they are published.",
        )
    return redirect("loans", slug=school.slug)


def loan_add(request, slug):
    school = get_school(request, slug, "devices.manage")
    initial = {"due_back": timezone.localdate() + timezone.timedelta(days=90)}
    if device_pk := request.GET.get("device"):
        initial["device"] = device_pk
    form = LendForm(posted(request), school=school, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            loan = loans.lend(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            who = "A parent or carer has" if loan.for_pupil else f"{loan.borrower} has"
            messages.success(request, f"{who} been asked to sign the loan agreement.")
            return redirect("loan-detail", pk=loan.pk)
    return render(
        request,
        "devices/form.html",
        {
            "school": school,
            "form": form,
            "title": "Lend a device",
            "intro": LEND_INTRO,
            "parent_url": reverse("loans", args=[school.slug]),
            "parent_label": "Loans",
        },
        status=400 if form.errors else 200,
    )


LEND_INTRO = (
    "The borrower (or, for a pupil, a parent or carer) is asked to sign the device loan "
    "agreement online. You can hand the device over once it is signed, or once a paper form "
    "is recorded."
)


def loan_detail(request, pk):
    loan = get_loan(request, pk)
    can_manage = allowed(request.user, "devices.manage", loan.school)
    signature = signature_for(loan) if loan.handed_over_at is None else loan.signature
    return render(
        request,
        "devices/loan_detail.html",
        {
            "loan": loan,
            "can_manage": can_manage,
            "signature": signature,
            # The status follows the signature shown beside it, never a stale marker.
            "stage": loan.stage_with(signed=signature is not None),
            "document": loan_document(loan.school, for_pupil=loan.for_pupil),
            "overdue": loan.is_overdue(),
            "can_report_lost": loan.is_out
            and allowed(request.user, "devices.report_loan_lost", loan),
        },
    )


@require_POST
def loan_hand_over(request, pk):
    loan = get_loan(request, pk, manage=True)
    try:
        loans.hand_over(loan=loan, by=request.user)
    except ValidationError as error:
        if was_already_done(error):
            return redirect_as_done(request, error.message, "loan-detail", pk=loan.pk)
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{loan.device.asset_tag} was handed over to {loan.borrower}.")
    return redirect("loan-detail", pk=loan.pk)


@require_POST
def loan_cancel(request, pk):
    loan = get_loan(request, pk, manage=True)
    try:
        loans.cancel(loan=loan, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The loan was cancelled.")
    return redirect("loan-detail", pk=loan.pk)


def loan_return(request, pk):
    loan = get_loan(request, pk, manage=True)
    form = ReturnForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            loans.record_return(loan=loan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if was_already_done(error):
                return redirect_as_done(request, error.message, "loan-detail", pk=loan.pk)
            add_errors(form, error)
        else:
            messages.success(request, f"{loan.device.asset_tag} is back and in store.")
            return redirect("loan-detail", pk=loan.pk)
    return render(
        request,
        "devices/form.html",
        {
            "school": loan.school,
            "form": form,
            "title": f"Return of {loan.device.asset_tag}",
            "intro": f"Lent to {loan.borrower}, due back {loan.due_back:%-d %B %Y}.",
            "back_loan": loan,
        },
        status=400 if form.errors else 200,
    )


def my_loans(request):
    """Devices lent to me, or to my children."""
    children = children_of(request.user).values("pk")
    items = (
        Loan.objects.visible_to(request.user)
        .filter(Q(borrower=request.user) | Q(borrower__in=children))
        .exclude(cancelled_at__isnull=False)
        .select_related("device", "borrower", "school")
    )
    return render(request, "devices/my_loans.html", {"loans": items, "today": timezone.localdate()})
