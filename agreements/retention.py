"""How long signed agreements and consents are kept, as data for the core's retention
review (found by esafety/retention/registry.py's autodiscovery).

A signature is superseded when the same person signs the same document again (a new
version, next year's agreement, a consent withdrawn or changed): the old one is kept a
year after that, or a year after the person left the school, whichever comes first. The
one that is in force is never listed while they are still at the school."""

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from esafety.models import Membership, in_force_q
from esafety.retention.registry import (
    Candidate,
    RetentionRule,
    add_years,
    destroy_with_history,
    register_rule,
)

from .models import ConsentAnswer, Signature


def signatures(*, school, viewer, years, today):
    later = Signature.objects.filter(
        subject=OuterRef("subject"),
        version__document=OuterRef("version__document"),
        signed_at__gt=OuterRef("signed_at"),
    ).order_by("signed_at")
    theirs = Membership.objects.filter(school=school, user=OuterRef("subject"))
    rows = (
        Signature.objects.visible_to(viewer)
        .filter(version__document__school=school)
        .annotate(
            superseded_at=Subquery(later.values("signed_at")[:1]),
            still_here=Exists(theirs.filter(in_force_q(today))),
            left_on=Subquery(
                theirs.filter(ended_on__isnull=False).order_by("-ended_on").values("ended_on")[:1]
            ),
        )
        .exclude(superseded_at__isnull=True, still_here=True)
        .select_related("version__document", "subject", "signer")
    )
    found = []
    for signature in rows:
        ends = []
        if signature.superseded_at:
            ends.append(timezone.localtime(signature.superseded_at).date())
        if not signature.still_here and signature.left_on:
            ends.append(signature.left_on)
        if not ends:
            continue
        document = signature.version.document
        found.append(
            Candidate(
                record=signature,
                keep_until=add_years(min(ends), years),
                occurred_on=timezone.localtime(signature.signed_at).date(),
                reference=f"SIG-{signature.pk}",
                title=f"{document.title}, signed by {signature.signer} for {signature.subject}",
                people=frozenset({signature.signer_id, signature.subject_id}),
            )
        )
    return found


def destroy_signature(signature) -> None:
    """Its consent answers, then the signature: the only way either is ever deleted."""
    ConsentAnswer.objects.filter(signature=signature).delete()
    destroy_with_history(signature)


register_rule(
    RetentionRule(
        key="agreements.signatures",
        label="Signed agreements and consents",
        kind="Signed agreement",
        source=(
            "IRMS Information Management Toolkit for Schools (consent and acceptable use "
            "forms): kept until superseded or the person leaves, plus 1 year; UK GDPR "
            "Article 5(1)(e) (kept no longer than necessary) and Article 7(1) (the school "
            "must be able to show consent was given)."
        ),
        minimum_years=1,
        starts="from when it was superseded or the person left, whichever came first",
        model="agreements.Signature",
        candidates=signatures,
        destroy=destroy_signature,
        order=30,
    )
)
