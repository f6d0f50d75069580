"""Agreements for tests, made through the real services."""

from agreements import services
from agreements.models import Document, Kind, Version

STAFF = ["headteacher", "esafety_officer", "technician", "staff"]


def published(document, by, text="The agreement.", *, head=None, approver=None) -> Version:
    """A new version of `document`, signed off (by `head`, else `by`), approved (by
    `approver`, else `by`) and so published, which asks everyone who must sign it."""
    version = services.new_version(document=document, by=by, text=text)
    services.head_sign_off(version=version, by=head or by)
    return services.approve(version=version, by=approver or by)


def parent_agreement(school, **fields) -> Document:
    """The yearly parent agreement, signed for each child, asking consent."""
    return Document.objects.create(
        school=school,
        kind=Kind.PARENT,
        title="Parent agreement",
        audience_roles=["parent"],
        parents_sign_for_each_child=True,
        asks_consent=True,
        renew_every_year=True,
        **fields,
    )
