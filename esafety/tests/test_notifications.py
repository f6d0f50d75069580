"""In-app notifications and the detail-free email that points to them."""

import html

import pytest
from django.conf import settings
from django.core.mail.backends import locmem
from django.urls import reverse

from esafety.models import Notification, Role
from esafety.notifications import notify, send_email_for
from esafety.testing import UserFactory, person, sign_in

pytestmark = pytest.mark.django_db

TITLE = "Concern about Poppy Pupil reported"
BODY = "Poppy was sent threatening messages on a gaming site by another pupil."


@pytest.fixture
def notified(personas, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(personas.teacher, title=TITLE, body=BODY, link="/accounts/")
    return notification


def test_notify_creates_an_in_app_notification(personas):
    notification = notify(personas.teacher, title=TITLE, body=BODY, link="/accounts/")
    stored = Notification.objects.get(pk=notification.pk)
    assert (stored.recipient, stored.title, stored.body, stored.link) == (
        personas.teacher,
        TITLE,
        BODY,
        "/accounts/",
    )
    assert stored.read_at is None


def test_email_is_not_sent_before_the_commit(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(personas.teacher, title=TITLE, body=BODY)
    assert mailoutbox == []
    assert len(callbacks) == 1


def test_email_links_to_the_notification(personas, notified, mailoutbox):
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [personas.teacher.email]
    url = settings.SITE_URL.rstrip("/") + f"/notifications/{notified.pk}/"
    assert url in message.body
    (html_part, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    assert url in html_part
    notified.refresh_from_db()
    assert notified.emailed_at is not None


def test_email_carries_no_safeguarding_detail(notified, mailoutbox):
    message = mailoutbox[0]
    html_part = html.unescape(message.alternatives[0][0])
    for part in (message.subject, message.body, html_part):
        assert TITLE not in part
        assert BODY not in part
        assert "Poppy" not in part


def test_email_is_sent_once(notified, mailoutbox):
    assert send_email_for(notified) is False
    assert send_email_for(Notification.objects.get(pk=notified.pk)) is False
    assert len(mailoutbox) == 1


def test_person_without_email_gets_only_the_in_app_notification(
    mailoutbox, django_capture_on_commit_callbacks
):
    pupil = UserFactory(email=None)
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(pupil, title=TITLE)
    assert mailoutbox == []
    assert Notification.objects.filter(pk=notification.pk, recipient=pupil).exists()


def test_unread_count_shows_in_the_navigation(personas, client):
    notify(personas.teacher, title="One", email=False)
    notify(personas.teacher, title="Two", email=False)
    notify(personas.pupil, title="Someone else's", email=False)
    sign_in(client, personas.teacher)
    response = client.get(reverse("home"))
    assert response.context["nav"]["unread_count"] == 2
    assert '2<span class="visually-hidden"> unread</span>' in response.content.decode()


def test_no_unread_badge_when_everything_is_read(personas, client):
    sign_in(client, personas.teacher)
    response = client.get(reverse("home"))
    assert response.context["nav"]["unread_count"] == 0
    assert 'visually-hidden"> unread' not in response.content.decode()


def test_opening_a_notification_marks_it_read_and_goes_to_its_link(personas, client, notified):
    sign_in(client, personas.teacher)
    response = client.get(reverse("notification-open", args=[notified.pk]))
    assert response.status_code == 302
    assert response.url == "/accounts/"
    notified.refresh_from_db()
    assert notified.read_at is not None
    assert client.get(reverse("home")).context["nav"]["unread_count"] == 0


def test_notification_with_an_outside_link_goes_to_the_list(personas, client):
    notification = notify(personas.teacher, title=TITLE, link="https://evil.example/", email=False)
    sign_in(client, personas.teacher)
    response = client.get(reverse("notification-open", args=[notification.pk]))
    assert response.url == reverse("notifications")


def test_another_persons_notification_is_not_found(personas, client, notified):
    sign_in(client, personas.pupil)
    response = client.get(reverse("notification-open", args=[notified.pk]))
    assert response.status_code == 404
    notified.refresh_from_db()
    assert notified.read_at is None


def test_mark_all_read(personas, client):
    mine = [notify(personas.teacher, title=f"N{i}", email=False) for i in range(3)]
    theirs = notify(personas.pupil, title="Not mine", email=False)
    sign_in(client, personas.teacher)
    response = client.post(reverse("notifications-mark-all-read"))
    assert response.status_code == 302
    assert response.url == reverse("notifications")
    assert not Notification.objects.filter(pk__in=[n.pk for n in mine], read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get(reverse("home")).context["nav"]["unread_count"] == 0


def test_notification_list_shows_only_my_notifications(personas, client):
    notify(personas.teacher, title="For Terry", email=False)
    notify(personas.pupil, title="For Poppy", email=False)
    sign_in(client, personas.teacher)
    page = client.get(reverse("notifications")).content.decode()
    assert "For Terry" in page
    assert "For Poppy" not in page


class RefusingBackend(locmem.EmailBackend):
    """The test mail server: counts its connections and refuses one address."""

    opened = 0
    refused = "head@oakwood.example"

    def open(self):
        type(self).opened += 1
        return super().open()

    def send_messages(self, messages):
        if any(self.refused in m.to for m in messages):
            raise OSError("550 mailbox unavailable")
        return super().send_messages(messages)


@pytest.fixture
def refusing_backend(settings, personas):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    RefusingBackend.opened = 0
    RefusingBackend.refused = personas.headteacher.email
    return RefusingBackend


def test_one_refused_email_in_a_batch_does_not_stop_the_others(
    personas, mailoutbox, refusing_backend
):
    from esafety import tasks

    people = [personas.teacher, personas.headteacher, personas.esafety_officer]
    sent = [notify(person, title="Please sign", email=False) for person in people]
    with pytest.raises(tasks.SomeEmailsFailed):
        tasks.send_notification_emails([n.pk for n in sent])
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [personas.teacher.email, personas.esafety_officer.email]
    )
    # The refused one is given back, so the record does not say it was sent.
    emailed = dict(Notification.objects.values_list("recipient_id", "emailed_at"))
    assert emailed[personas.headteacher.pk] is None
    assert emailed[personas.teacher.pk] and emailed[personas.esafety_officer.pk]


def test_a_batch_is_claimed_in_one_statement_and_sent_over_one_connection(
    personas, mailoutbox, refusing_backend
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from esafety import tasks

    refusing_backend.refused = "nobody@nowhere.example"
    people = [person(personas.school, Role.STAFF) for _ in range(12)]
    sent = [notify(p, title="Please sign", email=False) for p in people]
    with CaptureQueriesContext(connection) as queries:
        tasks.send_notification_emails([n.pk for n in sent])
    updates = [q for q in queries if q["sql"].startswith('UPDATE "esafety_notification"')]
    assert len(updates) == 1  # not one per email (a campaign's 61,200 were one each)
    assert refusing_backend.opened == 1
    assert len(mailoutbox) == 12
    # Sent once: the same batch again (a retried task, a second worker) sends nothing.
    tasks.send_notification_emails([n.pk for n in sent])
    assert len(mailoutbox) == 12
