"""Demo training for `manage.py seed_demo`: the standard requirements in each school, a
mix of done, due, overdue and missing, a record waiting to be verified, a CPD request,
parents' sessions and some lessons on the curriculum map. Fictional people only; only
when a school has no requirements yet (safe to run again)."""

import datetime

from django.utils import timezone

from esafety.models import Role, User

from . import curriculum, parent_sessions, services
from .models import Evidence, Lesson, ParentSession, Requirement, Strand
from .standard import install_standard_requirements
from .status import people_in

HEADTEACHERS = {"brookfield": "head@brookfield.example", "hillside": "head@hillside.example"}


def seed(schools):
    today = timezone.localdate()
    for slug, school in schools.items():
        if Requirement.objects.filter(school=school).exists():
            continue
        head = User.objects.get(email=HEADTEACHERS[slug])
        requirements = install_standard_requirements(school, by=head)
        _policy_requirement(school, head)
        _records(school, requirements, head, today)
        _cpd_and_sessions(school, head, today)
        _lessons(school, today)


def _policy_requirement(school, head):
    from agreements.models import Document, Kind

    policy = Document.objects.filter(school=school, kind=Kind.POLICY).first()
    if policy:
        services.save_requirement(
            requirement=Requirement(
                school=school,
                title="Read the e-safety policy",
                covers="Met while the person's signature of the current version stands.",
                audience_roles=["headteacher", "esafety_officer", "technician", "staff"],
                evidence=Evidence.SIGNATURE,
                document=policy,
            ),
            by=head,
        )


def _records(school, requirements, head, today):
    """Most people done in date; every fourth a year ago (so due or overdue); the demo
    teacher's own record waits for verification."""
    people = people_in([school.pk], today)[school.pk]
    for index, requirement in enumerate(r for r in requirements if r.evidence != "signature"):
        held_on = today - datetime.timedelta(days=40 + 45 * index)
        present = [
            p.user_id
            for n, p in enumerate(people)
            if (n + index) % 4 and p.must_have(requirement) and p.joined_on <= held_on
        ]
        if present:
            services.record_session(
                school=school,
                requirement=requirement,
                people=present,
                completed_on=held_on,
                by=head,
                provider="Riverside Learning Trust",
                hours=1.5,
            )
    teacher = next((p for p in people if p.name in ("Jordan Reid", "Grace Obi")), None)
    cyber = next((r for r in requirements if r.code == "prevent"), None)
    if teacher and cyber:
        services.record_training(
            person=User.objects.get(pk=teacher.user_id),
            school=school,
            by=User.objects.get(pk=teacher.user_id),
            requirement=cyber,
            completed_on=today - datetime.timedelta(days=3),
            provider="Home Office online course",
            hours=1,
        )


def _cpd_and_sessions(school, head, today):
    staff = (
        User.objects.filter(
            memberships__school=school, memberships__role=Role.STAFF, email__startswith="ta@"
        ).first()
        or User.objects.filter(memberships__school=school, memberships__role=Role.STAFF).first()
    )
    if staff:
        services.ask_for_cpd(
            school=school,
            by=staff,
            topic="Responding to sharing of nudes and semi-nudes",
            reason="I don't feel equipped to deal with a pupil disclosing this.",
        )
    now = timezone.now()
    past = parent_sessions.save_session(
        session=ParentSession(
            school=school,
            topic="Screen time, gaming and online friendships",
            starts_at=now - datetime.timedelta(days=45),
            place="School hall",
            year_groups=[5, 6] if school.slug == "brookfield" else [7, 8],
            materials="Slides and the UK Safer Internet Centre parents' guide.",
        ),
        by=head,
    )
    parent_sessions.record_attendance(session=past, by=head, count=23)
    future = parent_sessions.save_session(
        session=ParentSession(
            school=school,
            topic="Setting up parental controls",
            starts_at=now + datetime.timedelta(days=14),
            place="Library",
            year_groups=[1, 2, 3, 4, 5, 6] if school.slug == "brookfield" else [7, 8, 9, 10, 11],
        ),
        by=head,
    )
    parent_sessions.invite_parents(session=future, by=head)


def _lessons(school, today):
    teacher = User.objects.filter(
        memberships__school=school, memberships__role=Role.STAFF, email__startswith="teacher@"
    ).first()
    if teacher is None:
        return
    years = curriculum.school_year_groups(school, today)
    strands = list(Strand)
    start = school.academic_year_start(today)
    days = max((today - start).days, 1)
    for n, year in enumerate(years):
        for k, strand in enumerate(strands[: 3 + n % 4]):
            curriculum.record_lesson(
                lesson=Lesson(
                    school=school,
                    taught_on=start + datetime.timedelta(days=(n * 7 + k * 11) % days),
                    year_group=year,
                    strand=strand,
                    topic=f"{strand.label}: lesson {k + 1}",
                    teacher=teacher,
                ),
                by=teacher,
            )
