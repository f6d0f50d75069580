"""The headteacher signs, then the chair of trustees; each once. Signed, the review is
frozen (no edits by any path) and its history says who did what. The PDF summary."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from esafety.models import Notification
from esafety.testing import sign_in
from selfreview import services
from selfreview.models import ActionItem, SelfReview
from selfreview.tests.factories import rated_review, signed_review

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_chair_cannot_sign_before_the_headteacher(personas):
    review = rated_review(personas)
    with pytest.raises(ValidationError, match="The headteacher signs the review first"):
        services.sign_as_chair(review=review, by=personas.chair)


def test_signing_twice_signs_once_and_tells_the_chair_once(personas, client):
    p = personas
    review = rated_review(p)
    sign_in(client, p.headteacher)
    url = reverse("selfreview-sign", args=[review.pk, "head"])
    first, second = client.post(url, follow=True), client.post(url, follow=True)
    assert "You signed the self-review." in first.content.decode()
    assert "This is already signed." in second.content.decode()
    signed = SelfReview.history.filter(id=review.pk, head_signed_at__isnull=False)
    assert signed.count() == 1 and signed.get().history_user == p.headteacher
    assert (
        Notification.objects.filter(
            recipient=p.chair, title="A self-review is ready for your signature"
        ).count()
        == 1
    )
    assert not Notification.objects.filter(recipient=p.trustee).exists()
    # The chair signs from the same page; the headteacher and the officer hear of it.
    sign_in(client, p.chair)
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Sign as chair of trustees" in page
    client.post(reverse("selfreview-sign", args=[review.pk, "chair"]))
    review.refresh_from_db()
    assert review.chair_signed_by == p.chair and review.stage == "signed"
    assert (
        Notification.objects.filter(
            recipient__in=[p.headteacher, p.esafety_officer],
            title="The chair of trustees signed the self-review",
        ).count()
        == 2
    )


def test_another_trustee_sees_the_signed_review_but_cannot_sign_it(personas, client):
    p = personas
    review = rated_review(p)
    services.sign_as_head(review=review, by=p.headteacher)
    sign_in(client, p.trustee)
    assert "Sign as chair" not in client.get(review.get_absolute_url()).content.decode()
    assert client.post(reverse("selfreview-sign", args=[review.pk, "chair"])).status_code == 403


def test_a_signed_review_is_frozen_on_every_path(personas, client):
    p = personas
    review = signed_review(p)
    rating = review.ratings.get(aspect="curriculum")
    for change in (
        lambda: services.rate(review=review, by=p.esafety_officer, aspect="curriculum", level=5),
        lambda: services.save_summary(review=review, by=p.esafety_officer, summary="Changed"),
        lambda: services.add_action(
            review=review,
            by=p.esafety_officer,
            text="More",
            owner=p.teacher,
            due_on=timezone.localdate() + datetime.timedelta(days=5),
        ),
    ):
        with pytest.raises(ValidationError, match="signed and can no longer change"):
            change()
    rating.level = 5
    with pytest.raises(ValidationError):
        rating.save()  # the model refuses a save that skips the services
    review.summary = "Rewritten"
    with pytest.raises(ValidationError):
        review.save()
    sign_in(client, p.esafety_officer)
    for name, args in (
        ("selfreview-rate", [review.pk, "curriculum"]),
        ("selfreview-summary", [review.pk]),
        ("selfreview-action-add", [review.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 403
        assert client.post(reverse(name, args=args), {"level": "5"}).status_code == 403
    review.refresh_from_db()
    assert review.summary == "Steady progress."
    assert review.ratings.get(aspect="curriculum").level == 2
    # The history keeps who rated and who signed.
    reasons = set(
        SelfReview.history.filter(id=review.pk).values_list("history_change_reason", flat=True)
    )
    assert {
        "Self-review started",
        "Signed by the headteacher",
        "Signed by the chair of trustees",
    } <= reasons


def test_an_action_of_a_signed_plan_is_still_marked_done_by_its_owner(personas, client):
    p = personas
    review = rated_review(p)
    action = services.add_action(
        review=review,
        by=p.esafety_officer,
        text="Train the lunchtime staff",
        owner=p.teacher,
        due_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    services.sign_as_head(review=review, by=p.headteacher)
    action.text = "Something else"
    with pytest.raises(ValidationError):
        action.save()
    sign_in(client, p.teacher)
    response = client.post(action.get_absolute_url(), {"done_on": "", "note": "Done at INSET"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done_on == timezone.localdate() and action.done_note == "Done at INSET"
    assert ActionItem.history.filter(id=action.pk).first().history_user == p.teacher
    # The teacher sees their action, not the review.
    assert client.get(review.get_absolute_url()).status_code == 403


def test_the_owner_must_be_staff_of_the_school(personas, client):
    p = personas
    review = services.start_review(school=p.school, by=p.esafety_officer)
    sign_in(client, p.esafety_officer)
    url = reverse("selfreview-action-add", args=[review.pk])
    due = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    for outsider in (p.pupil, p.parent, p.other_school_teacher):
        response = client.post(url, {"text": "Do it", "owner": outsider.pk, "due_on": due})
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
    assert not review.actions.exists()


def test_the_pdf_summary_shows_levels_evidence_and_the_plan_with_owners_as_roles(personas, client):
    p = personas
    review = rated_review(p)
    services.add_action(
        review=review,
        by=p.esafety_officer,
        text="Train the lunchtime staff",
        owner=p.teacher,
        due_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    services.sign_as_head(review=review, by=p.headteacher)
    sign_in(client, p.trustee)
    text = pdf_text(client.get(reverse("selfreview-pdf", args=[review.pk])))
    flat = " ".join(text.split())
    assert f"Online-safety self-review {review.year}" in flat
    assert "Signed by the headteacher Hana Head" in flat
    assert "Filtering and monitoring: 2 – Beginning" in flat
    assert "No signed filtering and monitoring review is recorded." in flat
    assert "Train the lunchtime staff Staff" in flat
    assert "Terry Teacher" not in flat
    sign_in(client, p.esafety_officer)
    own = " ".join(pdf_text(client.get(reverse("selfreview-pdf", args=[review.pk]))).split())
    assert "Train the lunchtime staff Terry Teacher" in own


def test_a_trustee_page_shows_the_owner_as_a_role(personas, client):
    p = personas
    review = rated_review(p)
    services.add_action(
        review=review,
        by=p.esafety_officer,
        text="Update the filtering decision log",
        owner=p.technician,
        due_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    sign_in(client, p.trustee)
    assert client.get(review.get_absolute_url()).status_code == 403  # not signed yet
    services.sign_as_head(review=review, by=p.headteacher)
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Owner: IT support" in page and "Tess Technician" not in page


def test_another_trusts_reviews_are_not_found(personas, client):
    from esafety.models import Role
    from esafety.testing import SchoolFactory, person, trustee

    p = personas
    elsewhere = SchoolFactory(name="Faraway Academy")
    their_head = person(elsewhere, Role.HEADTEACHER)
    theirs = services.start_review(school=elsewhere, by=their_head)
    SelfReview.objects.filter(pk=theirs.pk).update(head_signed_at=timezone.now())
    ours = signed_review(p)
    their_chair = trustee(elsewhere.trust, chair=True)
    for user, review in ((p.chair, theirs), (p.headteacher, theirs), (their_chair, ours)):
        sign_in(client, user)
        for name, args in (
            ("selfreview-detail", [review.pk]),
            ("selfreview-pdf", [review.pk]),
            ("selfreview-rate", [review.pk, "training"]),
        ):
            assert client.get(reverse(name, args=args)).status_code == 404, (user, name)
        assert client.post(reverse("selfreview-sign", args=[review.pk, "chair"])).status_code == 404
        assert (
            client.get(reverse("selfreview-school", args=[review.school.slug])).status_code == 404
        )
    sign_in(client, p.chair)
    page = client.get(reverse("selfreview-trust")).content.decode()
    assert "Faraway Academy" not in page and "Oakwood Primary" in page
