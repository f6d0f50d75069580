"""Signing once for all your children: the agreement read once, each child's consent
answered side by side, one typed name, one submit.

Each child still gets their own signature (and signed-form PDF), made by `services.sign`
so every guard there applies to every child: the text check, the typed-name check and the
do-once key (a double submit still makes one signature per child). All or nothing: if
one child's answers are missing, no child's signature is kept.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from . import services
from .models import Document, Method, Signature, SignRequest, Version


def open_child_requests(user, document: Document) -> list[SignRequest]:
    """This parent's open "to sign" items for their children on one document."""
    return list(
        SignRequest.objects.filter(person=user, document=document, completed_at__isnull=True)
        .exclude(subject=user)
        .select_related("subject")
        .order_by("subject__full_name", "subject_id")
    )


def family_document_ids(requests) -> set[int]:
    """Documents with open items for two or more children: those get "sign for all"."""
    children: dict[int, set[int]] = {}
    for row in requests:
        if row.subject_id != row.person_id:
            children.setdefault(row.document_id, set()).add(row.subject_id)
    return {document for document, subjects in children.items() if len(subjects) > 1}


@transaction.atomic
def sign_for_children(
    *,
    version: Version,
    signer,
    answers: dict,
    typed_name: str,
    shown_hash: str | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
) -> list[Signature]:
    """One signature per child in `answers` ({child: {channel: bool}}), all or nothing.

    Every child is tried, so the error names each child whose answers are missing;
    then, if any failed, the transaction is undone and nothing is stored."""
    if not answers:
        raise ValidationError("There is no child to sign for.")
    signatures, missing = [], []
    # Children in the same order every time, so two submits can't lock them crosswise.
    for child in sorted(answers, key=lambda child: child.pk):
        if not services.can_sign_for(signer, child, version.document):
            raise ValidationError(f"You can't sign this document for {child.full_name}.")
        try:
            signatures.append(
                services.sign(
                    version=version,
                    signer=signer,
                    subject=child,
                    typed_name=typed_name,
                    consents=answers[child],
                    method=Method.ONLINE,
                    ip_address=ip_address,
                    user_agent=user_agent,
                    shown_hash=shown_hash,
                )
            )
        except ValidationError as error:
            if not (hasattr(error, "error_dict") and set(error.error_dict) == {"consents"}):
                raise  # the name or the text: the same for every child
            missing.extend(f"For {child.full_name}: {m}" for m in error.messages)
    if missing:
        raise ValidationError({"consents": missing})
    return signatures
