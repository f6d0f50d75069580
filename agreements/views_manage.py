"""Managing documents: versions through sign-off, approval and publishing; policy reviews;
the trustees' approvals list; a document's current version as a PDF."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from esafety.forms import add_errors
from esafety.models import School
from esafety.pdf import pdf_response, render_pdf
from esafety.roles import allowed, require
from esafety.services import attributed
from esafety.views_people import get_school
from incidents.models import Incident

from . import changes, reviews, services, signing, starter
from .forms_manage import DocumentForm, ReviewForm, VersionForm
from .models import Document, PolicyReview, Version, VersionStatus
from .rules import versions_to_approve_q


@dataclass(frozen=True)
class Step:
    """One step of a version's way to publication, as a button."""

    rule: str  # checked on the school
    service: Callable
    button: str
    from_status: str
    done: str


STEPS = {
    "sign-off": Step(
        "agreements.sign_off_version",
        services.head_sign_off,
        "Sign off as headteacher",
        VersionStatus.DRAFT,
        "Signed off.",
    ),
    "approve": Step(
        "agreements.approve_version",
        services.approve,
        "Approve for the trustees",
        VersionStatus.HEAD_SIGNED_OFF,
        "Approved.",
    ),
    "publish": Step(
        "agreements.publish_version",
        services.publish,
        "Publish now",
        VersionStatus.TRUSTEES_APPROVED,
        "Published.",
    ),
}
# On a review's page: the same steps for the version it made, through `reviews`.
REVIEW_SERVICES = {"sign-off": reviews.sign_off, "approve": reviews.approve}


def _steps_open_to(user, version, slugs=STEPS) -> list[tuple[str, str]]:
    school = version.document.school
    return [
        (slug, STEPS[slug].button)
        for slug in slugs
        if version.status == STEPS[slug].from_status and allowed(user, STEPS[slug].rule, school)
    ]


def _take_step(request, step: Step, run, published_note: str) -> None:
    """Run a step's service and tell the person what happened (a refused step is a
    message, never an error page)."""
    try:
        with transaction.atomic():
            version = run()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return
    version.refresh_from_db()
    extra = ""
    if version.status == VersionStatus.PUBLISHED:
        extra = published_note
    elif version.status == VersionStatus.TRUSTEES_APPROVED:
        extra = f" It will be published on {version.effective_date:%-d %B %Y}."
    messages.success(request, step.done + extra)


def documents(request, slug):
    school = get_school(request, slug, "agreements.manage_documents")
    in_progress = Version.objects.exclude(
        status__in=[VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED]
    ).order_by("-number")
    rows = (
        Document.objects.filter(school=school)
        .prefetch_related(
            Prefetch("versions", queryset=in_progress, to_attr="in_progress"),
            Prefetch(
                "versions",
                queryset=Version.objects.filter(status=VersionStatus.PUBLISHED),
                to_attr="published",
            ),
        )
        .order_by("title")
    )
    return render(
        request,
        "agreements/manage/documents.html",
        {
            "school": school,
            "documents": rows,
            "can_set_up": len(starter.STANDARD) > len({d.kind for d in rows}),
        },
    )


@require_POST
def set_up_standard(request, slug):
    school = get_school(request, slug, "agreements.manage_documents")
    created = starter.install_standard_documents(school, by=request.user)
    messages.success(
        request,
        f"Added {len(created)} standard document{'s' if len(created) != 1 else ''} as drafts."
        if created
        else "The school already has every standard document.",
    )
    return redirect("agreements-documents", slug=school.slug)


def document_add(request, slug):
    school = get_school(request, slug, "agreements.manage_documents")
    form = DocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        document = form.save(commit=False)
        document.school = school
        attributed(document, request.user).save()
        messages.success(request, "Document added. Now write its first version.")
        return redirect("agreements-version-add", pk=document.pk)
    return render(
        request,
        "agreements/manage/form.html",
        {"school": school, "form": form, "title": "Add a document"},
    )


def _document(request, pk, rule="agreements.manage_documents") -> Document:
    document = get_object_or_404(
        Document.objects.filter(school__in=School.objects.visible_to(request.user)).select_related(
            "school"
        ),
        pk=pk,
    )
    require(request.user, rule, document.school)
    return document


def document_detail(request, pk):
    document = _document(request, pk)
    versions = document.versions.select_related(
        "created_by", "head_signed_off_by", "trustees_approved_by"
    )
    return render(
        request,
        "agreements/manage/document.html",
        {
            "document": document,
            "versions": versions,
            "has_draft": any(v.status == VersionStatus.DRAFT for v in versions),
        },
    )


def document_edit(request, pk):
    document = _document(request, pk)
    form = DocumentForm(request.POST or None, instance=document)
    if request.method == "POST" and form.is_valid():
        attributed(form.save(commit=False), request.user).save()
        messages.success(request, "Document settings saved.")
        return redirect("agreements-document", pk=document.pk)
    return render(
        request,
        "agreements/manage/form.html",
        {"school": document.school, "form": form, "title": f"Settings: {document.title}"},
    )


def version_add(request, pk):
    document = _document(request, pk)
    if document.versions.filter(status=VersionStatus.DRAFT).exists():
        messages.info(request, "This document already has a draft: carry on with that one.")
        return redirect("agreements-document", pk=document.pk)
    latest = document.versions.order_by("-number").first()
    form = VersionForm(request.POST or None, initial={"text": latest.text if latest else ""})
    if request.method == "POST" and form.is_valid():
        version = services.new_version(document=document, by=request.user, **form.cleaned_data)
        messages.success(request, f"Draft version {version.number} saved.")
        return redirect("agreements-version", pk=version.pk)
    return render(
        request,
        "agreements/manage/form.html",
        {"school": document.school, "form": form, "title": f"New version: {document.title}"},
    )


def _version(request, pk, rule="agreements.view_version") -> Version:
    version = get_object_or_404(
        Version.objects.filter(
            document__school__in=School.objects.visible_to(request.user)
        ).select_related(
            "document__school", "created_by", "head_signed_off_by", "trustees_approved_by"
        ),
        pk=pk,
    )
    require(request.user, rule, version.document.school)
    return version


def _changes_context(version) -> dict:
    """What changed from the version it is compared with, for the page and the PDF."""
    base, found = changes.changes_for(version)
    added = sum(change.kind == changes.ADDED for change in found)
    return {
        "base": base,
        "changes": found,
        "changes_added": added,
        "changes_removed": len(found) - added,
    }


def version_detail(request, pk):
    version = _version(request, pk)
    school = version.document.school
    actions = _steps_open_to(request.user, version)
    return render(
        request,
        "agreements/manage/version.html",
        _changes_context(version)
        | {
            "version": version,
            "document": version.document,
            "text": signing.render_text(version.text),
            "actions": actions,
            "can_edit": version.status == VersionStatus.DRAFT
            and allowed(request.user, "agreements.manage_documents", school),
            "can_manage": allowed(request.user, "agreements.manage_documents", school),
        },
    )


def version_pdf(request, pk):
    """One version as a PDF; `?changes=1` adds what changed as an appendix."""
    version = _version(request, pk)
    document = version.document
    context = {"document": document, "version": version, "text": signing.render_text(version.text)}
    if request.GET.get("changes"):
        context |= _changes_context(version) | {"appendix": True}
    pdf = render_pdf(
        "agreements/manage/document_pdf.html",
        context,
        school=document.school,
        title=f"{document.title}, version {version.number}",
    )
    return pdf_response(pdf, f"{document.kind}-{document.school.slug}-v{version.number}.pdf")


def version_edit(request, pk):
    version = _version(request, pk, "agreements.manage_documents")
    if version.status != VersionStatus.DRAFT:
        messages.error(
            request, "Only a draft can be edited. Start a new version to change the text."
        )
        return redirect("agreements-version", pk=version.pk)
    form = VersionForm(request.POST or None, instance=version)
    if request.method == "POST" and form.is_valid():
        attributed(form.save(commit=False), request.user).save()
        messages.success(request, "Draft saved.")
        return redirect("agreements-version", pk=version.pk)
    return render(
        request,
        "agreements/manage/form.html",
        {
            "school": version.document.school,
            "form": form,
            "title": f"Edit draft version {version.number}: {version.document.title}",
        },
    )


@require_POST
def version_action(request, pk, action):
    if action not in STEPS:
        raise Http404
    version = _version(request, pk)
    step = STEPS[action]
    require(request.user, step.rule, version.document.school)
    _take_step(
        request,
        step,
        lambda: step.service(version=version, by=request.user),
        " Everyone who must sign has been asked to.",
    )
    return redirect("agreements-version", pk=version.pk)


def approvals(request):
    """Versions waiting for the trustees, across the schools of the trustee's trusts."""
    require(request.user, "agreements.use_approvals")
    waiting = (
        Version.objects.filter(versions_to_approve_q(request.user))
        .select_related("document__school", "head_signed_off_by")
        .order_by("document__school__name", "document__title")
    )
    return render(request, "agreements/manage/approvals.html", {"waiting": waiting})


def current_pdf(request, pk):
    document = _document(request, pk, "agreements.read_document")
    version = document.current_version()
    if version is None:
        raise Http404("Nothing published yet.")
    pdf = render_pdf(
        "agreements/manage/document_pdf.html",
        {"document": document, "version": version, "text": signing.render_text(version.text)},
        school=document.school,
        title=f"{document.title}, version {version.number}",
    )
    return pdf_response(pdf, f"{document.kind}-{document.school.slug}-v{version.number}.pdf")


# --- policy reviews ------------------------------------------------------------------


def review_list(request, slug):
    school = get_school(request, slug, "agreements.manage_documents")
    rows = (
        PolicyReview.objects.filter(document__school=school)
        .select_related("document", "opened_by", "reviewed_by", "version")
        .annotate(incident_count=Count("incidents"))
    )
    policy = reviews.policy_of(school)
    return render(
        request,
        "agreements/manage/reviews.html",
        {
            "school": school,
            "reviews": rows,
            "policy": policy,
            "can_open": policy is not None and reviews.open_review(policy) is None,
        },
    )


@require_POST
def review_open(request, slug):
    school = get_school(request, slug, "agreements.manage_documents")
    policy = reviews.policy_of(school)
    if policy is None:
        messages.error(request, "Add the e-safety policy first.")
        return redirect("agreements-reviews", slug=school.slug)
    review = reviews.open_scheduled_review(policy, by=request.user)
    return redirect(review)


def _review(request, pk) -> PolicyReview:
    return get_object_or_404(
        PolicyReview.objects.filter(
            document__school__in=School.objects.visible_to(request.user)
        ).select_related(
            "document__school",
            "opened_by",
            "reviewed_by",
            "version__head_signed_off_by",
            "version__trustees_approved_by",
        ),
        pk=pk,
    )


def review_detail(request, pk):
    review = _review(request, pk)
    school = review.document.school
    require(request.user, "agreements.manage_documents", school)
    current = review.document.current_version()
    recorded = bool(review.version_id or review.closed_at)
    form = None
    # A POST on a review already recorded is usually a second click: the service
    # recognises it and the page is the same as after the first.
    if request.method == "POST" or not recorded:
        form = ReviewForm(request.POST or None, initial={"text": current.text if current else ""})
        posted = request.method == "POST" and form.is_valid()
        if posted and (done := _record(request, review, form)):
            return done
        if recorded:
            errors = form.non_field_errors() or ["This review is already recorded."]
            messages.error(request, " ".join(errors))
            return redirect(review)
    actions = []
    if review.version is not None and not review.closed_at:
        actions = _steps_open_to(request.user, review.version, REVIEW_SERVICES)
    return render(
        request,
        "agreements/manage/review.html",
        {
            "review": review,
            "school": school,
            "form": form,
            "actions": actions,
            # Only the incidents this person may open (a concern about the headteacher
            # stays hidden from the headteacher).
            "incidents": Incident.objects.visible_to(request.user)
            .filter(pk__in=review.incidents.values("pk"))
            .select_related("school"),
        },
    )


def _record(request, review, form):
    """Record the review; the new version's page, or None with the reason on the form."""
    try:
        version = reviews.record_review(review=review, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        add_errors(form, error)
        return None
    messages.success(request, "Review recorded. Next: the headteacher signs it off.")
    return redirect("agreements-version", pk=version.pk)


@require_POST
def review_action(request, pk, action):
    """The headteacher's sign-off or the trustees' approval of the version a review made."""
    if action not in REVIEW_SERVICES:
        raise Http404
    review = _review(request, pk)
    school = review.document.school
    step = STEPS[action]
    require(request.user, step.rule, school)
    _take_step(
        request,
        step,
        lambda: REVIEW_SERVICES[action](review=review, by=request.user),
        " The new version is published and all staff have been asked to sign it.",
    )
    if allowed(request.user, "agreements.manage_documents", school):
        return redirect(review)
    if review.version_id:
        # Trustees see the version, not the review (it may name incidents).
        return redirect("agreements-version", pk=review.version_id)
    return redirect("agreements-approvals")
