"""Signing helpers for the pages: rendering the text, and recording on someone's behalf."""

import re

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.safestring import mark_safe

from esafety.roles import children_of

from . import services
from .models import Document, Method, Signature, SignRequest, Version, VersionStatus

# Nothing in a policy's text may make a reader's browser fetch something: an image from
# another site would tell it who read the policy, and when. Links stay (they are followed
# only when clicked); images and image maps go.
TEXT_TAGS = nh3.ALLOWED_TAGS - {"img", "map", "area"}
TEXT_ATTRIBUTES = {
    tag: attributes for tag, attributes in nh3.ALLOWED_ATTRIBUTES.items() if tag in TEXT_TAGS
}
TEXT_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def render_text(text: str) -> str:
    """A version's Markdown as safe HTML: nh3 strips scripts, handlers, styles and
    anything that loads a resource."""
    html = nh3.clean(
        markdown.markdown(text, extensions=["sane_lists"]),
        tags=TEXT_TAGS,
        attributes=TEXT_ATTRIBUTES,
        url_schemes=TEXT_URL_SCHEMES,
    )
    # The page has its own h1 and h2: the text's headings start at h3.
    return mark_safe(re.sub(r"<(/?)h([1-6])>", _shift_heading, html))


def _shift_heading(match):
    return f"<{match[1]}h{min(int(match[2]) + 2, 6)}>"


def open_requests(user):
    return (
        SignRequest.objects.filter(person=user, completed_at__isnull=True)
        .select_related("document__school", "version", "subject")
        .order_by("document__title", "document__school__name", "document_id", "subject__full_name")
    )


def my_signatures(user):
    """What this person signed, or was signed for them or their children: never the
    school-wide register a manager sees."""
    children = children_of(user).values("pk")
    return (
        Signature.objects.visible_to(user)
        .filter(Q(signer=user) | Q(subject=user) | Q(subject__in=children))
        .select_related("version__document__school", "signer", "subject")
    )


@transaction.atomic
def record_in_class(*, version: Version, pupils, teacher) -> list[Signature]:
    """A teacher records that these pupils agreed in class: each signature is the pupil's,
    recorded by the teacher, with the teacher's name typed."""
    if version.document.parents_sign_for_each_child:
        raise ValidationError("Parents sign this document themselves.")
    typed = f"{teacher.full_name} (recorded in class)"
    # Always in the same order, so two teachers recording at once can't deadlock.
    pupils = sorted(pupils, key=lambda pupil: pupil.pk)
    return [
        services.sign(
            version=version,
            signer=pupil,
            subject=pupil,
            typed_name=typed,
            method=Method.IN_CLASS,
            recorded_by=teacher,
        )
        for pupil in pupils
    ]


def record_paper(*, version: Version, signer, subject, typed_name, consents, scan, office):
    if not services.can_sign_for(signer, subject, version.document):
        raise ValidationError("That person can't sign this document for that person.")
    return services.sign(
        version=version,
        signer=signer,
        subject=subject,
        typed_name=typed_name,
        consents=consents,
        method=Method.PAPER,
        recorded_by=office,
        scan=scan,
    )


def readable_documents(user) -> list[Document]:
    """The published documents this person may want to read or download as they stand
    now: everything in the schools where they work (and, for trustees, in their trust);
    where they are only a pupil or a parent, just what is addressed to pupils or parents
    (a parent is not offered the staff AUP "to read")."""
    from esafety.models import STAFF_ROLES
    from esafety.roles import access_for

    access = access_for(user)
    everything = set(access.trust_school_ids) | {
        school for school, roles in access.roles_by_school.items() if roles & STAFF_ROLES
    }
    documents = (
        Document.objects.filter(
            school__in=set(access.roles_by_school) | everything,
            versions__status=VersionStatus.PUBLISHED,
        )
        .select_related("school")
        .order_by("school__name", "title")
    )
    return [
        document
        for document in documents
        if document.school_id in everything
        or set(document.audience_roles) & access.roles_by_school[document.school_id]
    ]
