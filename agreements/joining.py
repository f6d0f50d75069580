"""A parent linked to a child, or someone given a role, is asked to sign at once.

The sweep (sweeps.ask_everyone_who_must_sign) asks everyone every few minutes; these
hooks do the same for the one person whose link or role just changed, when the change
commits, so their "to sign" list is right on their very next page. They follow Django's
save signals of the core's models (the core never imports an app). Writes in bulk (the
people import) send no signals: call `ask_now` after them, or the sweep asks.
"""

import datetime
import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone

from esafety import signals
from esafety.models import Membership, ParentLink, Role, School, TrusteeMembership

log = logging.getLogger(__name__)


def ask_now(*, people, school_ids, on: datetime.date | None = None) -> int:
    """Give `people` (ids) every "to sign" item they are owed by the published documents
    of `school_ids` now. Returns how many items were made."""
    from .models import Document, VersionStatus
    from .services import sync_requests

    people, school_ids = set(people), set(school_ids)
    if not people or not school_ids:
        return 0
    on = on or timezone.localdate()
    documents = (
        Document.objects.filter(school__in=school_ids, versions__status=VersionStatus.PUBLISHED)
        .select_related("school")
        .distinct()
        .order_by("pk")
    )
    return sum(sync_requests(document=d, on=on, people=people) for d in documents)


def _after_commit(people, school_ids):
    # robust: the link or role is saved whatever happens here; the sweep asks later.
    transaction.on_commit(lambda: ask_now(people=people, school_ids=school_ids), robust=True)


def link_saved(sender, instance: ParentLink, **kwargs) -> None:
    """A parent linked (or linked again) to a child: the child's schools' parent
    agreements ask the parent now."""
    if instance.ended_on is not None:
        _forget_child(instance)
        return
    schools = Membership.objects.active().filter(user_id=instance.child_id, role=Role.PUPIL)
    _after_commit({instance.parent_id}, schools.values_list("school_id", flat=True))


def _forget_child(link: ParentLink) -> None:
    """A link ended: the parent is no longer asked to sign for that child (what they
    signed stays on record). Another parent still linked keeps their own items."""
    from .models import SignRequest

    SignRequest.objects.filter(
        person_id=link.parent_id, subject_id=link.child_id, completed_at__isnull=True
    ).delete()


def membership_saved(sender, instance: Membership, **kwargs) -> None:
    """Someone given a role (a parent added after their link; a pupil whose parents are
    already linked): they, and a pupil's parents, are asked now."""
    if instance.ended_on is not None and instance.ended_on <= timezone.localdate():
        return
    people = {instance.user_id}
    if instance.role == Role.PUPIL:
        people |= set(
            ParentLink.objects.filter(child_id=instance.user_id, ended_on__isnull=True).values_list(
                "parent_id", flat=True
            )
        )
    _after_commit(people, {instance.school_id})


def trustee_saved(sender, instance: TrusteeMembership, **kwargs) -> None:
    """A trustee appointed: the trust's schools' documents for trustees ask them now."""
    if instance.ended_on is not None and instance.ended_on <= timezone.localdate():
        return
    schools = School.objects.filter(trust_id=instance.trust_id).values_list("pk", flat=True)
    _after_commit({instance.user_id}, set(schools))


def people_imported(sender, school, **kwargs) -> None:
    """A people import wrote a school's people in bulk: everyone there (and the parents
    of its pupils, wherever they are) is asked now, as the sweep would."""
    pupils = Membership.objects.active().filter(school=school, role=Role.PUPIL)
    people = set(
        Membership.objects.active().filter(school=school).values_list("user_id", flat=True)
    )
    people |= set(
        ParentLink.objects.filter(
            child_id__in=pupils.values("user_id"), ended_on__isnull=True
        ).values_list("parent_id", flat=True)
    )
    ask_now(people=people, school_ids={school.pk})


def connect() -> None:
    post_save.connect(link_saved, sender=ParentLink, dispatch_uid="agreements-ask-linked-parent")
    post_save.connect(membership_saved, sender=Membership, dispatch_uid="agreements-ask-new-member")
    post_save.connect(
        trustee_saved, sender=TrusteeMembership, dispatch_uid="agreements-ask-trustee"
    )
    signals.people_imported.connect(people_imported, dispatch_uid="agreements-ask-imported")
