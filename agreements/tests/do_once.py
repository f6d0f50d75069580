"""Every "do it once" action of the agreements pages, as a table the double-submit tests
share: one test sends each twice in a row (SQLite), the other twice at the same moment
from two threads with their own database connections (PostgreSQL).

Each action builds what it needs, names who clicks, sends the same POST as a browser
would, and counts the records it must make exactly once.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.urls import reverse

from agreements import reviews, services
from agreements.models import (
    Document,
    Kind,
    Reason,
    Signature,
    SignRequest,
    Version,
    VersionStatus,
)
from agreements.tests.factories import STAFF
from agreements.tests.permissions_sign import ANSWERS, parent_document
from esafety.models import Membership, ParentLink, Role
from esafety.testing import person

YES_NO = {True: "yes", False: "no"}


def answers(**changes) -> dict:
    return {f"consent_{k}": YES_NO[v] for k, v in {**ANSWERS, **changes}.items()}


def pupil_document(p) -> Version:
    document = Document.objects.create(
        school=p.school, kind=Kind.PUPIL_KS2, title="KS2 online rules", audience_roles=["pupil"]
    )
    return _published(document, p, "Be kind online.")


def _published(document, p, text) -> Version:
    version = services.new_version(document=document, by=p.esafety_officer, text=text)
    services.head_sign_off(version=version, by=p.headteacher)
    services.trustees_approve(version=version, by=p.trustee)
    return services.publish(version=version, by=p.esafety_officer)


def policy_draft(p, status=VersionStatus.DRAFT, effective_date=None) -> Version:
    document = Document.objects.create(
        school=p.school, kind=Kind.POLICY, title="E-safety policy", audience_roles=STAFF
    )
    _published(document, p, "First policy.")
    version = services.new_version(
        document=document, by=p.esafety_officer, text="Policy two.", effective_date=effective_date
    )
    if status != VersionStatus.DRAFT:
        services.head_sign_off(version=version, by=p.headteacher)
    if status == VersionStatus.TRUSTEES_APPROVED:
        services.approve(version=version, by=p.chair)  # published on its (later) effective date
    return version


def versions_in(version, status) -> int:
    """How many times the version's history says it reached `status`."""
    return Version.history.filter(id=version.pk, status=status).count()


@dataclass(frozen=True)
class DoOnce:
    name: str
    actor: str  # persona who clicks
    setup: Callable  # personas -> context dict
    request: Callable  # context -> (url, data)
    made: Callable  # context -> how many records the action made (must be 1)


def _sign_online(p):
    version = parent_document(p)
    row = SignRequest.objects.create(
        document=version.document,
        version=version,
        person=p.parent,
        subject=p.pupil,
        reason=Reason.INDUCTION,
        cycle="2026-27",
    )
    return {"version": version, "request": row}


def _sign_for_family(p):
    context = _sign_online(p)
    sam = person(p.school, Role.PUPIL, name="Sam Second")
    ParentLink.objects.create(parent=p.parent, child=sam)
    services.sync_requests(document=context["version"].document)
    return context | {"children": [p.pupil, sam]}


def _family_request(c):
    data = {"typed_name": "Pat Parent", "text_hash": c["version"].content_hash}
    for child in c["children"]:
        data |= {f"consent_{child.pk}_{k}": YES_NO[v] for k, v in ANSWERS.items()}
    return reverse("agreements-sign-family", args=[c["version"].document_id]), data


def most_signatures_for_one_child() -> int:
    counts = Signature.objects.values("subject").annotate(n=Count("pk")).values_list("n", flat=True)
    return max(counts, default=0)


def _consent_change(p):
    version = parent_document(p)
    first = services.sign(
        version=version, signer=p.parent, subject=p.pupil, typed_name="Pat Parent", consents=ANSWERS
    )
    return {"version": version, "first": first}


def _in_class(p):
    Membership.objects.filter(user=p.pupil).update(class_name="5B")
    return {"version": pupil_document(p), "pupil": p.pupil, "school": p.school}


def _paper(p):
    return {"version": parent_document(p), "p": p}


def _review(p):
    document = Document.objects.create(
        school=p.school, kind=Kind.POLICY, title="E-safety policy", audience_roles=STAFF
    )
    _published(document, p, "Old policy.")
    return {"review": reviews.open_scheduled_review(document), "document": document}


def _review_recorded(p):
    context = _review(p)
    reviews.record_review(
        review=context["review"], by=p.esafety_officer, what_changed="Clearer.", text="New."
    )
    context["review"].refresh_from_db()
    context["version"] = context["review"].version
    return context


def _paper_request(c):
    p = c["p"]
    scan = SimpleUploadedFile("form.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    data = {
        "document": c["version"].document_id,
        "signer": p.parent.pk,
        "subject": p.pupil.pk,
        "typed_name": "Pat Parent",
        "scan": scan,
        **answers(),
    }
    return reverse("agreements-paper", args=[p.school.slug]), data


def _version_action(action):
    return lambda c: (reverse("agreements-version-action", args=[c["version"].pk, action]), {})


ACTIONS = [
    DoOnce(
        "sign online",
        "parent",
        _sign_online,
        lambda c: (
            reverse("agreements-sign", args=[c["request"].pk]),
            {"typed_name": "Pat Parent", "text_hash": c["version"].content_hash, **answers()},
        ),
        lambda c: Signature.objects.count(),
    ),
    DoOnce(
        "sign once for all your children",
        "parent",
        _sign_for_family,
        _family_request,
        lambda c: most_signatures_for_one_child() * (Signature.objects.count() == 2),
    ),
    DoOnce(
        "change consent",
        "parent",
        _consent_change,
        lambda c: (
            reverse("agreements-consent-change", args=[c["first"].pk]),
            {
                "typed_name": "Pat Parent",
                "text_hash": c["version"].content_hash,
                **answers(internet=False),
            },
        ),
        lambda c: Signature.objects.exclude(pk=c["first"].pk).count(),
    ),
    DoOnce(
        "record in class",
        "teacher",
        _in_class,
        lambda c: (
            reverse("agreements-in-class", args=[c["school"].slug]),
            {
                "class_name": "5B",
                "document": c["version"].document_id,
                "pupils": [c["pupil"].pk],
                "record": "1",
            },
        ),
        lambda c: Signature.objects.count(),
    ),
    DoOnce(
        "record a paper form",
        "teacher",
        _paper,
        _paper_request,
        lambda c: Signature.objects.count(),
    ),
    DoOnce(
        "sign off",
        "headteacher",
        lambda p: {"version": policy_draft(p)},
        _version_action("sign-off"),
        lambda c: versions_in(c["version"], VersionStatus.HEAD_SIGNED_OFF),
    ),
    DoOnce(
        "approve (and so publish)",
        "chair",
        lambda p: {"version": policy_draft(p, VersionStatus.HEAD_SIGNED_OFF)},
        _version_action("approve"),
        lambda c: versions_in(c["version"], VersionStatus.PUBLISHED),
    ),
    DoOnce(
        "publish",
        "esafety_officer",
        lambda p: {
            "version": policy_draft(
                p, VersionStatus.TRUSTEES_APPROVED, effective_date=datetime.date(2999, 1, 1)
            )
        },
        _version_action("publish"),
        lambda c: versions_in(c["version"], VersionStatus.PUBLISHED),
    ),
    DoOnce(
        "record a policy review",
        "esafety_officer",
        _review,
        lambda c: (
            reverse("agreements-review", args=[c["review"].pk]),
            {"what_changed": "Added a section on AI tools.", "text": "# Policy\n\nNew text."},
        ),
        lambda c: c["document"].versions.count() - 1,
    ),
    DoOnce(
        "sign off a review's version",
        "headteacher",
        _review_recorded,
        lambda c: (reverse("agreements-review-action", args=[c["review"].pk, "sign-off"]), {}),
        lambda c: versions_in(c["version"], VersionStatus.HEAD_SIGNED_OFF),
    ),
]
