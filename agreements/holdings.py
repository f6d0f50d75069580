"""What the agreements app holds about a person, for a subject access request: the
agreements they signed or that were signed for them, with any consent answers. Only
signatures the searcher may see (`Signature.objects.visible_to`). Two queries."""

from django.db.models import Q
from django.urls import reverse

from esafety.subject_access.holdings import Held, register_holding

from .models import Signature


def held_about(person, *, searcher, school) -> list[Held]:
    signatures = (
        Signature.objects.visible_to(searcher)
        .filter(Q(subject=person) | Q(signer=person), version__document__school=school)
        .select_related("version__document", "signer", "subject")
        .prefetch_related("answers")
    )
    found = []
    for signature in signatures:
        document = signature.version.document
        action = "Withdrawal" if signature.is_withdrawal else "Signed"
        details = [
            ("Agreement", f"{document.title}, version {signature.version.number}"),
            ("Signed by", f"{signature.typed_name} ({signature.get_method_display()})"),
            ("For", str(signature.subject)),
            ("When", f"{signature.signed_at:%-d %B %Y, %H:%M}"),
        ]
        details += [
            (answer.get_channel_display(), "Yes" if answer.given else "No")
            for answer in signature.answers.all()
        ]
        found.append(
            Held(
                kind="Signed agreement",
                title=f"{action}: {document.title} (version {signature.version.number})",
                date=signature.signed_at.date(),
                url=reverse("agreements-signature", args=[signature.pk]),
                ref=f"signature:{signature.pk}",
                details=tuple(details),
            )
        )
    return found


register_holding("agreements", held_about, label="Agreements and consent")
