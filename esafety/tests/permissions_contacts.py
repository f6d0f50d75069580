"""Local contacts' rows of the permission matrix: a school's staff read its list (pupils
and parents don't; another school's people don't find it); its headteacher and e-safety
officer change it; trustees read it and the trust's list, which the chair changes."""

from esafety.models_contacts import ContactKind, LocalContact
from esafety.testing import Route, expect, school_managers_only


def school(p):
    return {"slug": p.school.slug}


def school_lado(p):
    contact = LocalContact.objects.create(
        school=p.school, kind=ContactKind.LADO, name="Oakwood LADO", phone="01632 960100"
    )
    return {"slug": p.school.slug, "pk": contact.pk}


def trust(p):
    return {"trust_pk": p.school.trust_id}


def trust_mash(p):
    contact = LocalContact.objects.create(
        trust=p.school.trust, kind=ContactKind.MASH, name="Front door", phone="01632 960200"
    )
    return {"trust_pk": p.school.trust_id, "pk": contact.pk}


def another(p):
    # "other": any number may be added, so every persona allowed to add one gets a 302.
    return {"kind": "other", "name": "Schools police officer", "phone": "01632 960555"}


def changed(p):
    return {"name": "Changed", "phone": "01632 960101", "order": "20"}


READERS = expect(200, pupil=403, parent=403, other_school_teacher=404, other_school_headteacher=404)


def chair_only(ok: int = 200) -> dict:
    return expect(403, chair=ok)


ROUTES = [
    Route("local-contacts", READERS, school),
    Route("local-contact-add", school_managers_only(), school),
    Route("local-contact-add", school_managers_only(302), school, method="post", data=another),
    Route("local-contact-edit", school_managers_only(), school_lado),
    Route(
        "local-contact-edit", school_managers_only(302), school_lado, method="post", data=changed
    ),
    Route(
        "local-contact-edit",
        school_managers_only(302),
        school_lado,
        method="post",
        data=lambda p: {"remove": "1"},
    ),
    Route("trust-contacts", expect(403, trustee=200, chair=200)),
    Route("trust-contact-add", chair_only(), trust),
    Route("trust-contact-add", chair_only(302), trust, method="post", data=another),
    Route("trust-contact-edit", chair_only(), trust_mash),
    Route("trust-contact-edit", chair_only(302), trust_mash, method="post", data=changed),
]
