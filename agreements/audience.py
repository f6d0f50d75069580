"""Who must sign a document: (person, subject) pairs, worked out in SQL.

The subject is the person the signature is for: themselves, or for a parent agreement
signed "for each child", the child.
"""

import datetime

from django.db.models import Q

from esafety.models import (
    KEY_STAGE_BY_YEAR,
    STAFF_ROLES,
    Membership,
    ParentLink,
    Role,
    TrusteeMembership,
)

# Other apps add who must sign their own documents (devices: the current borrowers of its
# loan agreements): functions `source(document, on) -> set of (person id, subject id)`.
_AUDIENCE_SOURCES = []


def audience_source(func):
    """Register `func(document, on)`; its pairs join every document's audience."""
    _AUDIENCE_SOURCES.append(func)
    return func


def years_in(key_stages) -> list[int]:
    return [year for year, stage in KEY_STAGE_BY_YEAR.items() if stage in key_stages]


def _pupils(document, on):
    pupils = Membership.objects.active(on).filter(school=document.school, role=Role.PUPIL)
    if document.audience_key_stages:
        pupils = pupils.filter(year_group__in=years_in(document.audience_key_stages))
    return pupils


def audience_pairs(document, on: datetime.date) -> set[tuple[int, int]]:
    """Every (person id, subject id) that must sign `document` on a date."""
    roles = set(document.audience_roles)
    pairs: set[tuple[int, int]] = set()
    staff_roles = roles & STAFF_ROLES
    if staff_roles:
        staff = Membership.objects.active(on).filter(school=document.school, role__in=staff_roles)
        if document.audience_staff_types:
            staff = staff.filter(
                ~Q(role=Role.STAFF) | Q(staff_type__in=document.audience_staff_types)
            )
        pairs |= {(u, u) for u in staff.values_list("user_id", flat=True)}
    if Role.PUPIL in roles:
        pairs |= {(u, u) for u in _pupils(document, on).values_list("user_id", flat=True)}
    if Role.PARENT in roles:
        links = ParentLink.objects.filter(
            ended_on__isnull=True,
            child__memberships__in=_pupils(document, on),
            parent__memberships__in=Membership.objects.active(on).filter(
                school=document.school, role=Role.PARENT
            ),
        ).values_list("parent_id", "child_id")
        if document.parents_sign_for_each_child:
            pairs |= set(links)
        else:
            pairs |= {(parent, parent) for parent, _ in links}
    if "trustee" in roles:
        trustees = TrusteeMembership.objects.active(on).filter(trust=document.school.trust_id)
        pairs |= {(u, u) for u in trustees.values_list("user_id", flat=True)}
    for source in _AUDIENCE_SOURCES:
        pairs |= source(document, on)
    return pairs
