"""Do-once under concurrency, through a real server on the project's database (SQLite,
or PostgreSQL with DATABASE_URL): starting the year's review, and each signature, clicked
by several requests at the same moment, happen once."""

from django.urls import reverse

from esafety.testing_http import session_of
from selfreview.models import SelfReview
from selfreview.tests.factories import rated_review


def at_once(http_server, path, user, times=6):
    session = session_of(user)  # before the server starts: on SQLite it copies the data
    server = http_server()
    replies = server.at_once([(path, {}, session)] * times)
    assert [reply.status for reply in replies] == [302] * times, [r.body[-300:] for r in replies]
    server.sync()
    return {reply.location for reply in replies}


def test_starting_the_review_at_once_makes_one(personas, http_server):
    p = personas
    locations = at_once(
        http_server, reverse("selfreview-start", args=[p.school.slug]), p.esafety_officer
    )
    review = SelfReview.objects.get(school=p.school)
    assert locations == {review.get_absolute_url()}


def test_signing_at_once_signs_once_for_the_head_and_once_for_the_chair(personas, http_server):
    p = personas
    review = rated_review(p)
    locations = at_once(
        http_server, reverse("selfreview-sign", args=[review.pk, "head"]), p.headteacher
    )
    assert locations == {review.get_absolute_url()}
    history = SelfReview.history.filter(id=review.pk)
    assert history.filter(history_change_reason="Signed by the headteacher").count() == 1
    review.refresh_from_db()
    assert review.head_signed_by == p.headteacher
    first_signed_at = review.head_signed_at

    at_once(http_server, reverse("selfreview-sign", args=[review.pk, "chair"]), p.chair)
    assert history.filter(history_change_reason="Signed by the chair of trustees").count() == 1
    review.refresh_from_db()
    assert review.chair_signed_by == p.chair and review.head_signed_at == first_signed_at
    # The evidence kept at signing was written once per aspect.
    assert all(r.evidence_at_signing for r in review.ratings.all())
    kept = review.ratings.model.history.filter(
        review_id=review.pk, history_change_reason="Evidence kept at signing"
    )
    assert kept.count() == 9
