"""A small data set whose figures are counted by hand in the tests (all fictional)."""

import datetime
from zoneinfo import ZoneInfo

from incidents.models import (
    ActionKind,
    Incident,
    IncidentTag,
    Location,
    Referral,
    Status,
    Subject,
    TimelineEntry,
)

LONDON = ZoneInfo("Europe/London")
TODAY = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=LONDON)  # a Friday, autumn term


def at(y, m, d, hour=10, minute=0):
    return datetime.datetime(y, m, d, hour, minute, tzinfo=LONDON)


def incident(school, by, n, reported_at, *, acked=None, subject=Subject.PUPIL, **fields):
    return Incident.objects.create(
        school=school,
        number=f"2026-{n:04d}",
        status=fields.pop("status", Status.ACKNOWLEDGED if acked else Status.REPORTED),
        reported_by=by,
        reported_at=reported_at,
        acknowledged_at=acked,
        acknowledge_by=reported_at,
        location=Location.ONLINE,
        description="A test incident",
        subject=subject,
        **fields,
    )


def seed_incidents(p):
    """Autumn term 2026 (September to November so far) at Oakwood:

    A 5 Oct 09:00, content, pupil A, acknowledged 09:30 (30 min, same day), cyberbullying
    B 6 Oct 18:00 (after the school day), contact, pupil B, acknowledged 7 Oct 10:00
      (960 min; the same school day counts from the next working day)
    C 2 Nov 10:00, someone outside, contact, pupil C, escalated, acknowledged 4 Nov 10:00
      (2,880 min, not the same day); referred to the police on 4 Nov
    D 3 Nov 11:00, conduct, pupil D, not acknowledged, cyberbullying; an action overdue
    E 3 Nov, about a member of staff (LADO referral, an overdue action: not counted)
    F 10 Oct, about the headteacher
    G 15 Oct 2025, content (the same months a year earlier)
    H a draft (never counted)
    """
    school, teacher = p.school, p.teacher
    bullying = IncidentTag.objects.create(slug="cyberbullying", name="Cyberbullying")
    a = incident(
        school, teacher, 1, at(2026, 10, 5, 9), acked=at(2026, 10, 5, 9, 30),
        risk_area="content", category="pupil_a",
    )  # fmt: skip
    a.tags.add(bullying)
    incident(
        school, teacher, 2, at(2026, 10, 6, 18), acked=at(2026, 10, 7, 10),
        risk_area="contact", category="pupil_b",
    )  # fmt: skip
    c = incident(
        school, teacher, 3, at(2026, 11, 2, 10), acked=at(2026, 11, 4, 10),
        subject=Subject.OUTSIDE, risk_area="contact", category="pupil_c",
        escalated_at=at(2026, 11, 3, 10), escalated_to=p.headteacher,
    )  # fmt: skip
    Referral.objects.create(
        incident=c, agency="police", referred_on=datetime.date(2026, 11, 4), made_by=p.headteacher
    )
    d = incident(school, teacher, 4, at(2026, 11, 3, 11), risk_area="conduct", category="pupil_d")
    d.tags.add(bullying)
    e = incident(school, teacher, 5, at(2026, 11, 3, 12), subject=Subject.STAFF, category="staff_a")
    Referral.objects.create(
        incident=e, agency="lado", referred_on=datetime.date(2026, 11, 4), made_by=p.headteacher
    )
    incident(school, teacher, 6, at(2026, 10, 10, 12), subject=Subject.HEADTEACHER)
    incident(school, teacher, 7, at(2025, 10, 15, 12), risk_area="content", category="pupil_a")
    incident(school, teacher, 8, at(2026, 11, 5, 12), status=Status.DRAFT)
    for on, done in (
        (d, None),  # overdue
        (e, None),  # a concern about staff: not counted
        (d, at(2026, 11, 12)),  # done: not counted
    ):
        TimelineEntry.objects.create(
            incident=on,
            kind=ActionKind.ACTION,
            text="Follow up",
            owner=p.esafety_officer,
            due_on=datetime.date(2026, 11, 10),
            done_at=done,
        )
