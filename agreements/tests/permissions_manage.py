"""The managing pages' rows of the permission matrix."""

from agreements import reviews, services
from agreements.models import Document, Kind
from agreements.tests.permissions_sign import parent_document
from esafety.testing import Route, expect, school_managers_only


def school(p):
    return {"slug": p.school.slug}


def document(p):
    return {"pk": parent_document(p).document.pk}


def version(p):
    return {"pk": parent_document(p).pk}


def draft_version(p):
    """A new version still being written: the one state in which its text is edited."""
    published = parent_document(p)
    draft = services.new_version(document=published.document, by=p.esafety_officer, text="# Next")
    return {"pk": draft.pk}


def publish_again(p):
    return {"pk": parent_document(p).pk, "action": "publish"}


def review(p):
    policy = Document.objects.create(
        school=p.school, kind=Kind.POLICY, title="E-safety policy", audience_roles=["staff"]
    )
    return {"pk": reviews.open_scheduled_review(policy).pk}


def review_sign_off(p):
    return {**review(p), "action": "sign-off"}


def review_approve(p):
    return {**review(p), "action": "approve"}


MANAGERS = school_managers_only()
# Versions in progress: the school's managers and the trust's trustees.
MANAGERS_AND_TRUSTEES = school_managers_only() | {"trustee": 200, "chair": 200}
# Anyone with a role in the school (or its trustees) can read the current version.
READERS = expect(200, other_school_teacher=404, other_school_headteacher=404)
TRUSTEES = expect(403, trustee=200, chair=200)

ROUTES = [
    Route("agreements-documents", MANAGERS, kwargs=school),
    Route("agreements-document-add", MANAGERS, kwargs=school),
    Route("agreements-set-up-standard", school_managers_only(302), kwargs=school, method="post"),
    Route("agreements-reviews", MANAGERS, kwargs=school),
    Route("agreements-review-open", school_managers_only(302), kwargs=school, method="post"),
    Route("agreements-document", MANAGERS, kwargs=document),
    Route("agreements-document-edit", MANAGERS, kwargs=document),
    Route("agreements-version-add", MANAGERS, kwargs=document),
    Route("agreements-current-pdf", READERS, kwargs=document),
    Route("agreements-version", MANAGERS_AND_TRUSTEES, kwargs=version),
    Route("agreements-version-pdf", MANAGERS_AND_TRUSTEES, kwargs=version),
    # A published version can't be edited: managers are sent back to it with a message.
    Route("agreements-version-edit", school_managers_only(302), kwargs=version),
    Route("agreements-version-edit", MANAGERS, kwargs=draft_version),
    # Publishing twice is refused with a message (302); trustees may not publish.
    Route(
        "agreements-version-action",
        school_managers_only(302),
        kwargs=publish_again,
        method="post",
    ),
    Route("agreements-approvals", TRUSTEES),
    Route("agreements-review", MANAGERS, kwargs=review),
    # Nothing recorded yet: the step is refused with a message (302), never a 500.
    Route(
        "agreements-review-action",
        expect(403, headteacher=302, other_school_teacher=404, other_school_headteacher=404),
        kwargs=review_sign_off,
        method="post",
    ),
    Route(
        "agreements-review-action",
        expect(403, trustee=302, chair=302, other_school_teacher=404, other_school_headteacher=404),
        kwargs=review_approve,
        method="post",
    ),
]
