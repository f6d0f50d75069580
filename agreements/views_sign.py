"""Signing pages: what I have to sign, signing, my agreements, and recording for others."""

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from esafety.forms import add_errors
from esafety.pdf import pdf_response, render_pdf
from esafety.roles import children_of, require
from esafety.views_people import get_school

from . import family, integrity, services, signing
from .forms_sign import FamilySignForm, InClassForm, PaperForm, SignForm, consents_from
from .models import PUBLISHING_RULE, Channel, Document, Signature, SignRequest, content_hash


def _client_details(request):
    return {
        "ip_address": request.META.get("REMOTE_ADDR") or None,
        "user_agent": request.META.get("HTTP_USER_AGENT", ""),
    }


def _cannot_sign(request, document):
    """The text no longer matches what was published: no signing, said plainly."""
    return render(
        request,
        "agreements/sign/cannot_sign.html",
        {"document": document, "message": integrity.TEXT_CHANGED},
        status=409,
    )


def _already_signed(request, sign_request):
    """A second click on "Sign" (the first one already signed) gets the same success page."""
    mine = (
        Signature.objects.visible_to(request.user)
        .filter(
            version__document=sign_request.document,
            subject=sign_request.subject,
            signer=request.user,
        )
        .order_by("-signed_at", "-pk")
        .first()
    )
    if request.method == "POST" and mine is not None:
        messages.success(request, f"Signed: {sign_request.document.title}.")
        return redirect("agreements-signature", pk=mine.pk)
    messages.info(request, "This has already been signed.")
    return redirect("agreements-mine")


def to_sign(request):
    require(request.user, "agreements.use")
    items = list(signing.open_requests(request.user))
    groups = [(doc, list(rows)) for doc, rows in groupby(items, key=lambda r: r.document)]
    return render(
        request,
        "agreements/sign/to_sign.html",
        {
            "groups": groups,
            "count": len(items),
            "family_documents": family.family_document_ids(items),
        },
    )


@require_http_methods(["GET", "POST"])
def sign(request, pk):
    sign_request = get_object_or_404(
        SignRequest.objects.filter(person=request.user).select_related(
            "document__school", "version", "subject"
        ),
        pk=pk,
    )
    document = sign_request.document
    version = document.current_version()
    if version is None:
        raise Http404
    if sign_request.completed_at is not None:
        return _already_signed(request, sign_request)
    if not services.can_sign_for(request.user, sign_request.subject, document):
        raise PermissionDenied
    if not integrity.text_intact(version):
        return _cannot_sign(request, document)
    for_child = sign_request.subject_id != request.user.pk
    others = family.open_child_requests(request.user, document) if for_child else []
    form = SignForm(request.POST or None, asks_consent=document.asks_consent)
    if request.method == "POST" and form.is_valid():
        try:
            signature = services.sign(
                version=version,
                signer=request.user,
                subject=sign_request.subject,
                typed_name=form.cleaned_data["typed_name"],
                consents=consents_from(form.cleaned_data),
                shown_hash=request.POST.get("text_hash", ""),
                **_client_details(request),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Signed: {document.title}.")
            return redirect("agreements-signature", pk=signature.pk)
    return render(
        request,
        "agreements/sign/sign.html",
        {
            "sign_request": sign_request,
            "document": document,
            "version": version,
            "text": signing.render_text(version.text),
            "text_hash": content_hash(version.text),
            "form": form,
            "for_child": for_child,
            # Other children waiting on the same document: offer them all on one page.
            "others": [r.subject for r in others if r.pk != sign_request.pk],
            "publishing_rule": PUBLISHING_RULE,
        },
    )


def _family_signed(document) -> str:
    return f"Signed: {document.title}, for each of your children. Each has their own form below."


@require_http_methods(["GET", "POST"])
def sign_for_family(request, pk):
    """The agreement once, each child's consent side by side, one name, one submit."""
    document = get_object_or_404(
        Document.objects.filter(requests__person=request.user).distinct().select_related("school"),
        pk=pk,
    )
    requests = family.open_child_requests(request.user, document)
    if not requests:
        if request.method == "POST":
            messages.success(request, _family_signed(document))  # a second click
        else:
            messages.info(request, "There is nothing left to sign for your children here.")
        return redirect("agreements-mine")
    version = document.current_version()
    if version is None:
        raise Http404
    if not integrity.text_intact(version):
        return _cannot_sign(request, document)
    children = [row.subject for row in requests]
    posted = request.POST if request.method == "POST" else None
    form = FamilySignForm(posted, children=children, asks_consent=document.asks_consent)
    if request.method == "POST" and "copy" in request.POST:
        if not form.first_child_answered():
            messages.info(request, f"Answer for {children[0].full_name} first, then copy.")
        form = FamilySignForm(
            initial=form.with_first_child_copied().dict(),
            children=children,
            asks_consent=document.asks_consent,
        )
    elif request.method == "POST" and form.is_valid():
        try:
            family.sign_for_children(
                version=version,
                signer=request.user,
                answers=form.answers(),
                typed_name=form.cleaned_data["typed_name"],
                shown_hash=request.POST.get("text_hash", ""),
                **_client_details(request),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _family_signed(document))
            return redirect("agreements-mine")
    return render(
        request,
        "agreements/sign/family.html",
        {
            "document": document,
            "version": version,
            "children": children,
            "text": signing.render_text(version.text),
            "text_hash": content_hash(version.text),
            "form": form,
            "publishing_rule": PUBLISHING_RULE,
        },
    )


def mine(request):
    require(request.user, "agreements.use")
    signatures = signing.my_signatures(request.user)
    documents = list(signing.readable_documents(request.user))
    return render(
        request,
        "agreements/sign/mine.html",
        {
            "signatures": signatures,
            "documents": documents,
        },
    )


def _visible_signature(request, pk):
    return get_object_or_404(
        Signature.objects.visible_to(request.user).select_related(
            "version__document__school", "signer", "subject", "recorded_by"
        ),
        pk=pk,
    )


def _answers(signature):
    given = {a.channel: a.given for a in signature.answers.all()}
    return [(c.label, given.get(c.value)) for c in Channel if c.value in given]


def _record_context(signature) -> dict:
    """What the signature page and its PDF show: the record, the answers, the school year
    it covers and the text signed."""
    document = signature.version.document
    signed_on = timezone.localtime(signature.signed_at).date()
    return {
        "signature": signature,
        "document": document,
        "answers": _answers(signature),
        "matches": signature.matches_version(),
        "text": signing.render_text(signature.version.text),
        "school_year": services.academic_year_label(document.school, signed_on),
    }


def _can_change_consent(user, signature):
    document = signature.version.document
    return (
        document.parents_sign_for_each_child
        and document.asks_consent
        and children_of(user).filter(pk=signature.subject_id).exists()
    )


def signature_detail(request, pk):
    signature = _visible_signature(request, pk)
    return render(
        request,
        "agreements/sign/signature.html",
        _record_context(signature) | {"can_change": _can_change_consent(request.user, signature)},
    )


@require_http_methods(["GET", "POST"])
def consent_change(request, pk):
    signature = _visible_signature(request, pk)
    if not _can_change_consent(request.user, signature):
        raise PermissionDenied
    document = signature.version.document
    version = document.current_version()
    if version is None:
        raise Http404
    if not integrity.text_intact(version):
        return _cannot_sign(request, document)
    form = SignForm(request.POST or None, asks_consent=True)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.sign(
                version=version,
                signer=request.user,
                subject=signature.subject,
                typed_name=form.cleaned_data["typed_name"],
                consents=consents_from(form.cleaned_data),
                shown_hash=request.POST.get("text_hash", ""),
                **_client_details(request),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Your new answers are recorded.")
            return redirect("agreements-signature", pk=new.pk)
    return render(
        request,
        "agreements/sign/consent_change.html",
        {
            "signature": signature,
            "document": document,
            "version": version,
            "answers": _answers(signature),
            "text": signing.render_text(version.text),
            "text_hash": content_hash(version.text),
            "form": form,
            "publishing_rule": PUBLISHING_RULE,
        },
    )


def signature_pdf(request, pk):
    signature = _visible_signature(request, pk)
    document = signature.version.document
    pdf = render_pdf(
        "agreements/sign/signature_pdf.html",
        _record_context(signature),
        school=document.school,
        title=document.title,
    )
    return pdf_response(pdf, f"signed-form-{signature.pk}.pdf")


def _check_text(version):
    """Recording for others is refused too when the text has changed (the e-safety
    officer is told here, outside the service's transaction, so the alert is kept)."""
    if not integrity.text_intact(version):
        raise ValidationError(integrity.TEXT_CHANGED)


@require_http_methods(["GET", "POST"])
def in_class(request, slug):
    school = get_school(request, slug, "agreements.record_in_class")
    form = InClassForm(request.POST or None, school=school)
    if request.method == "POST" and request.POST.get("record") and form.is_valid():
        version = form.cleaned_data["document"].current_version()
        try:
            _check_text(version)
            done = signing.record_in_class(
                version=version,
                pupils=form.cleaned_data["pupils"],
                teacher=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, f"Recorded {len(done)} pupil agreement{pluralize(len(done))}."
            )
            return redirect("agreements-in-class", slug=school.slug)
    return render(request, "agreements/sign/in_class.html", {"school": school, "form": form})


@require_http_methods(["GET", "POST"])
def paper(request, slug):
    school = get_school(request, slug, "agreements.record_paper")
    form = PaperForm(request.POST or None, request.FILES or None, school=school)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        document = data["document"]
        version = document.current_version()
        try:
            _check_text(version)
            signature = signing.record_paper(
                version=version,
                signer=data["signer"],
                subject=data["subject"] if document.parents_sign_for_each_child else data["signer"],
                typed_name=data["typed_name"],
                consents=consents_from(data) if document.asks_consent else {},
                scan=data["scan"],
                office=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "The paper form is recorded.")
            if Signature.objects.visible_to(request.user).filter(pk=signature.pk).exists():
                return redirect("agreements-signature", pk=signature.pk)
            return redirect("agreements-paper", slug=school.slug)
    return render(request, "agreements/sign/paper.html", {"school": school, "form": form})
