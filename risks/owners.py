"""Owners shown as roles (for trustees and the governors' PDF: no people's names)."""

from django.db.models import Prefetch

from esafety.roles import STAFF_ROLE_NAMES, role_labels, staff_roles_held

# For a long list: Django's plain prefetch builds a related manager and a queryset for
# each row (a tenth of the register's time); into a list attribute it builds neither.
OWNERS_LISTED = Prefetch("owners", to_attr="owner_list")


def owners_of(risk) -> list:
    """The risk's owners, from `OWNERS_LISTED` or `prefetch_related("owners")`."""
    listed = getattr(risk, "owner_list", None)
    return listed if listed is not None else list(risk.owners.all())


def role_names(risks) -> dict[int, list[str]]:
    """{risk id: ["E-safety officer", "IT support"]} for risks whose owners are prefetched
    (`OWNERS_LISTED` or `prefetch_related("owners")`): one query for every owner's roles
    in every school."""
    labels = role_labels((risk.school_id, owner.pk) for risk in risks for owner in owners_of(risk))
    result = {}
    for risk in risks:
        names = []
        for owner in owners_of(risk):
            if (name := labels[(risk.school_id, owner.pk)]) not in names:
                names.append(name)
        result[risk.pk] = risk.owner_roles = names
    return result


def owner_labels(risk, people) -> list[str]:
    """A school risk's owners with their roles; a trust-wide risk's (trustees) by name."""
    if risk.is_trust_wide:
        return [str(person) for person in people]
    return with_roles(risk.school, people)


def with_roles(school, people) -> list[str]:
    """ "Eddie Officer (E-safety officer)" for each person, for the school's own pages."""
    held = staff_roles_held((school.pk, person.pk) for person in people)
    return [
        f"{person} ({STAFF_ROLE_NAMES[held[(school.pk, person.pk)]]})"
        if (school.pk, person.pk) in held
        else str(person)
        for person in people
    ]
