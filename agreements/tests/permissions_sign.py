"""The signing pages' rows of the permission matrix."""

from agreements import services
from agreements.models import Document, Kind, Reason, SignRequest
from esafety.testing import Route, expect

ANSWERS = {"internet": True, "website": False, "newspaper": False, "prospectus": True}
ANSWERS["social_media"] = False


def parent_document(p):
    document = Document.objects.create(
        school=p.school,
        kind=Kind.PARENT,
        title="Parent agreement",
        audience_roles=["parent"],
        parents_sign_for_each_child=True,
        asks_consent=True,
    )
    version = services.new_version(document=document, by=p.esafety_officer, text="# Agreement")
    services.head_sign_off(version=version, by=p.headteacher)
    services.trustees_approve(version=version, by=p.trustee)
    return services.publish(version=version, by=p.esafety_officer)


def parent_request(p):
    version = parent_document(p)
    row = SignRequest.objects.create(
        document=version.document,
        version=version,
        person=p.parent,
        subject=p.pupil,
        reason=Reason.INDUCTION,
        cycle="2026-27",
    )
    return {"pk": row.pk}


def parent_family(p):
    """The "sign for all your children" page of the parent agreement."""
    request = SignRequest.objects.get(pk=parent_request(p)["pk"])
    return {"pk": request.document_id}


def parent_signature(p):
    version = parent_document(p)
    signature = services.sign(
        version=version, signer=p.parent, subject=p.pupil, typed_name="Pat Parent", consents=ANSWERS
    )
    return {"pk": signature.pk}


def school(p):
    return {"slug": p.school.slug}


# Everyone with a role has a "to sign" list and their own agreements.
EVERYONE = expect(200)
# A parent's signature for their child: the parent, the child, and the school's managers.
SIGNATURE = expect(404, parent=200, pupil=200, headteacher=200, esafety_officer=200)
# Recording for others: this school's staff; other people here 403; other schools 404.
STAFF_HERE = expect(
    403,
    headteacher=200,
    esafety_officer=200,
    technician=200,
    teacher=200,
    other_school_teacher=404,
    other_school_headteacher=404,
)

ROUTES = [
    Route("agreements-to-sign", EVERYONE),
    Route("agreements-mine", EVERYONE),
    Route("agreements-sign", expect(404, parent=200), kwargs=parent_request),
    Route("agreements-sign-family", expect(404, parent=200), kwargs=parent_family),
    Route("agreements-signature", SIGNATURE, kwargs=parent_signature),
    Route("agreements-signature-pdf", SIGNATURE, kwargs=parent_signature),
    Route(
        "agreements-consent-change",
        expect(404, parent=200, pupil=403, headteacher=403, esafety_officer=403),
        kwargs=parent_signature,
    ),
    Route("agreements-in-class", STAFF_HERE, kwargs=school),
    Route("agreements-paper", STAFF_HERE, kwargs=school),
]
