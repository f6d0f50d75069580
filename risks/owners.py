"""Owners shown as roles (for trustees and the governors' PDF: no people's names)."""

from esafety.models import Membership, Role

ROLE_NAMES = {
    Role.HEADTEACHER: "Headteacher",
    Role.ESAFETY_OFFICER: "E-safety officer",
    Role.TECHNICIAN: "IT support",
    Role.STAFF: "Staff member",
}
ROLE_ORDER = list(ROLE_NAMES)


def role_names(risks) -> dict[int, list[str]]:
    """{risk id: ["E-safety officer", "IT support"]} for risks whose owners are prefetched
    (`prefetch_related("owners")`): one query for every owner's roles in every school."""
    pairs = {(risk.school_id, owner.pk) for risk in risks for owner in risk.owners.all()}
    roles: dict[tuple, set] = {}
    if pairs:
        memberships = Membership.objects.active().filter(
            school_id__in={s for s, _ in pairs},
            user_id__in={u for _, u in pairs},
            role__in=ROLE_ORDER,
        )
        for school_id, user_id, role in memberships.values_list("school_id", "user_id", "role"):
            roles.setdefault((school_id, user_id), set()).add(role)
    result = {}
    for risk in risks:
        names = []
        for owner in risk.owners.all():
            held = roles.get((risk.school_id, owner.pk), set())
            best = next((r for r in ROLE_ORDER if r in held), None)
            name = ROLE_NAMES[best] if best else "Former member of staff"
            if name not in names:
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
    held: dict[int, set] = {}
    memberships = Membership.objects.active().filter(school=school, user__in=people)
    for user_id, role in memberships.values_list("user_id", "role"):
        held.setdefault(user_id, set()).add(role)
    labels = []
    for person in people:
        best = next((r for r in ROLE_ORDER if r in held.get(person.pk, set())), None)
        labels.append(f"{person} ({ROLE_NAMES[best]})" if best else str(person))
    return labels
