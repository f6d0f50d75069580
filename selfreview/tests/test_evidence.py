"""The records beside each rating, and the second look asked for when a rating is well
above them (rated 2 or more levels above what the records suggest)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from esafety.testing import sign_in
from selfreview import services
from selfreview.evidence import evidence_for
from training.models import Lesson, Strand

pytestmark = pytest.mark.django_db


def lessons(school, teacher, strands):
    today = timezone.localdate()
    for strand in strands:
        Lesson.objects.create(
            school=school,
            taught_on=today,
            year_group=5,
            strand=strand,
            topic="A lesson",
            teacher=teacher,
        )


def test_the_curriculum_aspect_shows_the_strands_taught_and_flags_a_rating_far_above(
    personas, client
):
    p = personas
    lessons(
        p.school, p.teacher, [Strand.BULLYING, Strand.PRIVACY, Strand.PRIVACY, Strand.WELLBEING]
    )
    review = services.start_review(school=p.school, by=p.esafety_officer)
    services.rate(review=review, by=p.esafety_officer, aspect="curriculum", level=5)
    page = sign_in(client, p.esafety_officer).get(review.get_absolute_url()).content.decode()
    assert "Online-safety lessons this school year: 4, covering 3 of the 8 UKCIS strands." in page
    assert "Second look:" in page
    assert (
        "Rated 5, but the records suggest 2 at most: lessons this year cover 3 of 8 strands" in page
    )


def test_a_rating_one_level_above_the_records_is_not_flagged(personas, client):
    p = personas
    lessons(p.school, p.teacher, [Strand.BULLYING, Strand.PRIVACY, Strand.WELLBEING])
    review = services.start_review(school=p.school, by=p.esafety_officer)
    services.rate(review=review, by=p.esafety_officer, aspect="curriculum", level=3)
    page = sign_in(client, p.esafety_officer).get(review.get_absolute_url()).content.decode()
    assert "covering 3 of the 8 UKCIS strands" in page
    assert "Second look:" not in page


def test_with_no_filtering_review_the_records_suggest_level_one(personas, client):
    p = personas
    review = services.start_review(school=p.school, by=p.esafety_officer)
    url = reverse("selfreview-rate", args=[review.pk, "filtering"])
    sign_in(client, p.esafety_officer)
    form = client.get(url).content.decode()
    assert "No signed filtering and monitoring review is recorded." in form
    assert "A rating of 3 or more is flagged" in form
    client.post(url, {"level": "4", "notes": ""})
    page = client.get(review.get_absolute_url()).content.decode()
    assert "the records suggest 1 at most: no filtering and monitoring review is recorded" in page


def test_the_policy_evidence_follows_the_published_policy_and_its_review_date(personas):
    from agreements.models import Document, Kind
    from agreements.tests.factories import STAFF, published

    p = personas
    before = evidence_for([p.school.pk])[p.school.pk]["leadership"]
    assert before.lines[0] == "No e-safety policy is published." and before.suggested == 1
    policy = Document.objects.create(
        school=p.school, kind=Kind.POLICY, title="E-safety policy", audience_roles=STAFF
    )
    published(policy, p.esafety_officer, head=p.headteacher, approver=p.trustee)
    after = evidence_for([p.school.pk])[p.school.pk]["leadership"]
    assert after.lines[0].startswith("E-safety policy version 1, published ")
    assert "last reviewed not recorded; next review due " in after.lines[0]
    assert after.suggested == 5
    later = timezone.localdate() + datetime.timedelta(days=400)
    overdue = evidence_for([p.school.pk], today=later)[p.school.pk]["leadership"]
    assert overdue.suggested == 2 and overdue.why == "the policy's yearly review is overdue"


def test_incidents_acknowledged_in_time_are_counted(personas):
    from incidents import services as incidents
    from incidents.models import Incident
    from incidents.tests.factories import report

    p = personas
    in_time = report(p.school, p.teacher)
    incidents.acknowledge(incident=in_time, by=p.esafety_officer)
    late = report(p.school, p.teacher)
    Incident.objects.filter(pk=late.pk).update(
        acknowledge_by=timezone.now() - datetime.timedelta(days=2),
        acknowledged_at=timezone.now() - datetime.timedelta(days=1),
    )
    waiting = report(p.school, p.teacher)
    Incident.objects.filter(pk=waiting.pk).update(
        acknowledge_by=timezone.now() - datetime.timedelta(hours=1)
    )
    report(p.other_school, p.other_school_teacher)  # another school's
    found = evidence_for([p.school.pk])[p.school.pk]["incidents"]
    assert found.lines == [
        "Incidents in the last 12 months acknowledged in time: 1 of 3 (33%); still waiting "
        "past the deadline: 1."
    ]
    assert found.suggested == 1
    assert found.flag(3) and not found.flag(2)


def test_a_flagged_rating_needs_a_note_before_the_head_signs(personas, client):
    from selfreview.tests.factories import rated_review

    p = personas
    review = rated_review(p, level=1)
    services.rate(review=review, by=p.esafety_officer, aspect="filtering", level=5, notes="")
    sign_in(client, p.headteacher)
    response = client.post(reverse("selfreview-sign", args=[review.pk, "head"]), follow=True)
    assert "say in the notes why Filtering and monitoring is rated above the records" in (
        response.content.decode()
    )
    review.refresh_from_db()
    assert review.head_signed_at is None
    services.rate(
        review=review,
        by=p.esafety_officer,
        aspect="filtering",
        level=5,
        notes="The trust's provider reviewed it in July; the record is on paper.",
    )
    client.post(reverse("selfreview-sign", args=[review.pk, "head"]))
    review.refresh_from_db()
    assert review.head_signed_at is not None
    kept = review.ratings.get(aspect="filtering").evidence_at_signing
    assert kept["suggested"] == 1 and kept["flag"].startswith("Rated 5, but the records suggest 1")


def test_parents_sessions_count_only_this_school_year(personas):
    from training.models import ParentSession

    p = personas
    now = timezone.now()
    for when, count in (
        (now - datetime.timedelta(minutes=1), 40),
        (now - datetime.timedelta(days=500), 90),
    ):
        ParentSession.objects.create(
            school=p.school,
            topic="Gaming and chat",
            starts_at=when,
            created_by=p.esafety_officer,
            attendance_count=count,
        )
    found = evidence_for([p.school.pk])[p.school.pk]["parents"]
    year = services.this_year_start(p.school)
    label = f"{year.year}–{str(year.year + 1)[2:]}"
    assert found.lines == [f"Online-safety sessions for parents in {label}: 1, reaching 40."]
    assert found.suggested == 3 and found.flag(5) and not found.flag(4)
