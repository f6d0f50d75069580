"""People management: one function per action, each a single transaction."""

import datetime
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import (
    Invitation,
    Membership,
    ParentLink,
    Role,
    School,
    Trust,
    TrusteeMembership,
    TrustLead,
    User,
    hash_token,
)
from .once import already_done
from .roles import forget_access
from .signals import people_left

# simple-history's column for the reason; the whole text a person typed stays on the record.
CHANGE_REASON_MAX_LENGTH = 100


@transaction.atomic
def attributed(record, user, reason: str = ""):
    """Mark who makes the next save of `record` (and why) for its simple-history entry.
    A long reason is shortened to fit the history's column (PostgreSQL refuses more)."""
    record._history_user = user
    if reason:
        if len(reason) > CHANGE_REASON_MAX_LENGTH:
            reason = reason[: CHANGE_REASON_MAX_LENGTH - 1] + "\u2026"
        record._change_reason = reason
    return record


def member_by_reference(school, ref: str, roles) -> int | None:
    """The user id of the one person in post at `school` in one of `roles` whose email
    address or MIS reference is `ref` (both compared case-insensitively, as the people
    import compares them); None when nobody is, or more than one is (never a guess). What
    an integration names a person by (a monitoring alert's pupil, a course's learner)."""
    ref = ref.strip()
    if not ref:
        return None
    found = list(
        Membership.objects.active()
        .filter(school=school, role__in=roles)
        .filter(Q(user__email__iexact=ref) | Q(external_id__iexact=ref))
        .values_list("user_id", flat=True)
        .distinct()[:2]
    )
    return found[0] if len(found) == 1 else None


def holders(school, *roles) -> list[User]:
    """The active people holding any of these roles in a school today, longest-serving
    first, each once (someone may hold two of the roles)."""
    memberships = (
        Membership.objects.active()
        .filter(school=school, role__in=roles)
        .select_related("user")
        .order_by("started_on", "pk")
    )
    return list({m.user: None for m in memberships if m.user.is_active})


def create_person(
    *,
    school: School,
    full_name: str,
    email: str | None,
    role: str,
    staff_type: str = "",
    year_group: int | None = None,
    class_name: str = "",
    date_of_birth: datetime.date | None = None,
    external_id: str = "",
    started_on: datetime.date | None = None,
) -> Membership:
    """A new person with their first role in a school."""
    user = User.objects.create_user(
        email=email or None, full_name=full_name, date_of_birth=date_of_birth
    )
    return add_membership(
        user=user,
        school=school,
        role=role,
        staff_type=staff_type,
        year_group=year_group,
        class_name=class_name,
        external_id=external_id,
        started_on=started_on,
    )


@transaction.atomic
def add_membership(
    *,
    user: User,
    school: School,
    role: str,
    staff_type: str = "",
    year_group: int | None = None,
    class_name: str = "",
    external_id: str = "",
    started_on: datetime.date | None = None,
) -> Membership:
    if role == Role.STAFF and not staff_type:
        raise ValidationError({"staff_type": "Choose what kind of staff member this is."})
    if role == Role.PUPIL and year_group is None:
        raise ValidationError({"year_group": "Choose the pupil's year group."})
    already = Membership.objects.active().filter(user=user, school=school, role=role)
    if already.exists():
        raise ValidationError({"role": "This person already has that role in this school."})
    membership = Membership.objects.create(
        user=user,
        school=school,
        role=role,
        staff_type=staff_type if role == Role.STAFF else "",
        year_group=year_group if role == Role.PUPIL else None,
        class_name=class_name,
        external_id=external_id,
        started_on=started_on or timezone.localdate(),
    )
    forget_access(user)
    return membership


@transaction.atomic
def end_membership(
    *, membership: Membership, ended_on: datetime.date, destination: str = ""
) -> Membership:
    """A leaver: the role stops granting anything from `ended_on`; nothing is deleted.

    Tells `people_left` on commit, exactly as the MIS sync does, so what hangs on a
    leaver (a device to return, a checklist) starts however the role was ended."""
    if ended_on < membership.started_on:
        raise ValidationError({"ended_on": "The end date can't be before the role started."})
    membership.ended_on = ended_on
    membership.save(update_fields=["ended_on"])
    forget_access(membership.user)
    school, left = membership.school, {membership.pk: destination}
    transaction.on_commit(
        lambda: people_left.send_robust(
            sender=School, school=school, memberships=left, ended_on=ended_on
        ),
        robust=True,
    )
    return membership


@transaction.atomic
def link_parent(*, parent: User, child: User, relationship: str = "") -> ParentLink:
    if parent.pk == child.pk:
        raise ValidationError("A person can't be their own parent or carer.")
    link, created = ParentLink.objects.get_or_create(
        parent=parent, child=child, defaults={"relationship": relationship}
    )
    if not created and (link.ended_on is not None or link.relationship != relationship):
        link.ended_on = None
        link.relationship = relationship or link.relationship
        link.save()
    return link


@transaction.atomic
def end_parent_link(*, link: ParentLink, by: User, reason: str) -> ParentLink:
    """A parent or carer no longer linked to a child (a court order, a carer who no longer
    cares for them, a link made by mistake): from today the link gives nothing — the
    parent's home page, "to sign" list and family signing drop the child on their next
    page. Nothing is deleted: why, when and by whom are kept, with the history.

    Saved with `save()`, so the save signals tell whoever follows links (the figures
    kept per school, and any app's own hooks) at once. A second click is a note."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the link ends."})
    link = ParentLink.objects.select_for_update().get(pk=link.pk)
    if link.ended_on is not None:
        raise already_done(f"The link between {link.parent} and {link.child} had already ended.")
    link.ended_on = timezone.localdate()
    link.ended_reason = reason
    link.ended_by = by
    attributed(link, by, f"Link ended: {reason}").save()
    _refresh_kept_pages_of(link.parent)
    return link


def _refresh_kept_pages_of(user: User) -> None:
    """Whatever is kept for this person's schools (their kept home panels, the figures they
    follow) is worked out again on their next page, whichever app's figures follow links."""
    from .figures import invalidate

    schools = set(Membership.objects.filter(user=user).values_list("school_id", flat=True))
    if schools:
        invalidate(figure="esafety.people", schools=schools)


@transaction.atomic
def link_parent_from_trust(
    *, school: School, child: User, email: str, relationship: str = ""
) -> ParentLink:
    """Link a parent already known at a school of this trust to a child here. They get
    the parent role here too, so this school's parent agreements reach them. Nobody
    outside the trust is found by their email (that would reveal an account elsewhere)."""
    parent = (
        User.objects.filter(
            email__iexact=email.strip(), memberships__school__trust_id=school.trust_id
        )
        .distinct()
        .first()
    )
    if parent is None:
        raise ValidationError(
            {
                "email": "Nobody with this email address is known at the trust's schools. "
                "Add them as a new person, then link their child."
            }
        )
    if not Membership.objects.active().filter(user=child, school=school, role=Role.PUPIL).exists():
        raise ValidationError("Only a pupil at this school can be linked to a parent here.")
    if not Membership.objects.active().filter(user=parent, school=school, role=Role.PARENT):
        add_membership(user=parent, school=school, role=Role.PARENT)
    return link_parent(parent=parent, child=child, relationship=relationship)


def _invitation_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("invitation-accept", args=[token])


@transaction.atomic
def send_invitation(*, user: User, invited_by: User) -> Invitation:
    """Email a one-time link to set a password. Earlier unused links stop working."""
    if not user.email:
        raise ValidationError("This person has no email address, so they can't be invited.")
    now = timezone.now()
    user.invitations.filter(accepted_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=user,
        token_hash=hash_token(token),
        created_by=invited_by,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    context = {
        "name": user.get_short_name(),
        "url": _invitation_url(token),
        "days": settings.INVITATION_VALID_DAYS,
    }
    message = EmailMultiAlternatives(
        subject="You have been invited to the school's e-safety system",
        body=render_to_string("esafety/email/invitation.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("esafety/email/invitation.html", context), "text/html"
    )
    transaction.on_commit(message.send)
    return invitation


def find_invitation(token: str) -> Invitation | None:
    """The invitation for a token if it can still be used, else None."""
    invitation = (
        Invitation.objects.filter(token_hash=hash_token(token)).select_related("user").first()
    )
    if invitation is None or not invitation.is_usable():
        return None
    return invitation


@transaction.atomic
def accept_invitation(*, invitation: Invitation, password: str) -> User:
    claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        accepted_at=timezone.now()
    )
    if not claimed:
        raise ValidationError("This invitation has already been used.")
    user = invitation.user
    user.set_password(password)
    user._change_reason = "Accepted invitation and set a password"
    user.save()
    return user


@transaction.atomic
def update_school_settings(*, school: School, changed_by: User, **fields) -> School:
    for name, value in fields.items():
        setattr(school, name, value)
    school._history_user = changed_by
    school.save()
    return school


@transaction.atomic
def add_closure_day(*, school: School, by: User, date: datetime.date, reason: str = ""):
    """A day the school is closed (INSET, a snow day): no working-day deadline falls on it
    from now on. Deadlines already set are not moved."""
    from .models import ClosureDay

    if ClosureDay.objects.filter(school=school, date=date).exists():
        raise ValidationError({"date": f"{date:%a %-d %b %Y} is already a closure day."})
    closure = attributed(ClosureDay(school=school, date=date, reason=reason.strip()), by)
    closure.save()
    return closure


@transaction.atomic
def remove_closure_day(*, school: School, by: User, pk: int) -> None:
    """Removed, with who removed it in the history. Someone else removing it at the same
    moment is not an error: it is gone either way."""
    from .models import ClosureDay

    closure = ClosureDay.objects.select_for_update().filter(school=school, pk=pk).first()
    if closure is not None:
        attributed(closure, by).delete()


@transaction.atomic
def add_holiday(*, school: School, by: User, name: str, starts_on, ends_on):
    """A school holiday: school-day deadlines set from now on skip it."""
    from .models import SchoolHoliday

    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The last day can't be before the first."})
    if (ends_on - starts_on).days > 70:
        raise ValidationError({"ends_on": "No holiday is longer than ten weeks: check the dates."})
    clash = SchoolHoliday.objects.filter(
        school=school, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).first()
    if clash:
        raise ValidationError({"starts_on": f"It overlaps {clash}."})
    holiday = attributed(
        SchoolHoliday(school=school, name=name.strip(), starts_on=starts_on, ends_on=ends_on), by
    )
    holiday.save()
    return holiday


@transaction.atomic
def remove_holiday(*, school: School, by: User, pk: int) -> None:
    from .models import SchoolHoliday

    holiday = SchoolHoliday.objects.select_for_update().filter(school=school, pk=pk).first()
    if holiday is not None:
        attributed(holiday, by).delete()


# --- the trust safeguarding lead --------------------------------------------------------


def people_known_at(trust: Trust):
    """Everyone the trust knows: anyone who has (or had) a role at one of its schools, its
    trustees, and its trust leads past and present. Nobody else is found by their email
    (that would reveal an account elsewhere)."""
    person = OuterRef("pk")
    return User.objects.filter(
        Exists(Membership.objects.filter(user=person, school__trust=trust))
        | Exists(TrusteeMembership.objects.filter(user=person, trust=trust))
        | Exists(TrustLead.objects.filter(user=person, trust=trust))
    )


@transaction.atomic
def appoint_trust_lead(
    *, trust: Trust, by: User, email: str, full_name: str = "", invite: bool = True
) -> TrustLead:
    """The chair appoints a trust safeguarding lead: someone the trust already knows (by
    email), or a new person (with their name) who is invited to set a password. The lead
    oversees every school's designated lead; what they may see is each app's rule. Their
    account must use two-factor sign-in (roles.requires_two_factor)."""
    email = email.strip().lower()
    full_name = full_name.strip()
    person = people_known_at(trust).filter(email__iexact=email).first()
    created = False
    if person is None:
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                {
                    "email": "This email address can't be used for the trust. Give the "
                    "person's address at the trust, or ask the technical administrator."
                }
            )
        if not full_name:
            raise ValidationError(
                {
                    "full_name": "Nobody with this email address is known at the trust: "
                    "give their full name to add them."
                }
            )
        person = attributed(User(email=email, full_name=full_name), by)
        person.set_unusable_password()
        person.save()
        created = True
    if not person.is_active:
        raise ValidationError({"email": "This person's account is closed."})
    # The person's row first: two chairs appointing them at once wait for each other here.
    User.objects.select_for_update().filter(pk=person.pk).first()
    if TrustLead.objects.active().filter(trust=trust, user=person).exists():
        raise already_done(f"{person} is already a trust safeguarding lead.")
    lead = attributed(TrustLead(trust=trust, user=person, started_on=timezone.localdate()), by)
    lead.save()
    forget_access(person)
    if created and invite:
        send_invitation(user=person, invited_by=by)
    return lead


@transaction.atomic
def end_trust_lead(*, lead: TrustLead, by: User, reason: str = "") -> TrustLead:
    """The lead stops being one from today; the record and its history stay."""
    lead = TrustLead.objects.select_for_update().select_related("user").get(pk=lead.pk)
    if lead.ended_on is not None and lead.ended_on <= timezone.localdate():
        raise already_done(f"{lead.user} is no longer a trust safeguarding lead.")
    lead.ended_on = timezone.localdate()
    attributed(lead, by, reason.strip()).save()
    forget_access(lead.user)
    return lead
