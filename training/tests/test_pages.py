"""The pages people use: the matrix and its CSV and PDF, my training, recording by form,
a staff-room session, trustees' figures (never names) and the curriculum map."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from esafety.testing import sign_in
from training import parent_sessions
from training.models import Lesson, Strand, TrainingRecord
from training.tests.factories import certificate, days_ago, parent_session, record, requirement

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    pages = PdfReader(io.BytesIO(response.content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())  # lines unwrapped


def test_matrix_shows_each_person_and_filters_by_status(client, personas):
    p = personas
    req = requirement(p.school, title="Cyber security")
    record(p.teacher, req, days_ago(10))
    sign_in(client, p.esafety_officer)
    url = reverse("training-matrix", args=[p.school.slug])
    page = client.get(url).content.decode()
    assert "Terry Teacher" in page and "Tess Technician" in page
    overdue_only = client.get(url, {"status": "missing"}).content.decode()
    assert "Tess Technician" in overdue_only and "Terry Teacher" not in overdue_only
    assert client.get(url, {"status": "nonsense"}).status_code == 200


def test_matrix_csv_is_formula_safe(client, personas):
    p = personas
    p.teacher.full_name = '=HYPERLINK("http://evil")'
    p.teacher.save()
    requirement(p.school, title="+Prevent")
    sign_in(client, p.esafety_officer)
    response = client.get(reverse("training-matrix-csv", args=[p.school.slug]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][2] == "'+Prevent status"
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil")' in names
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_matrix_pdf_lists_people_and_their_status(client, personas):
    p = personas
    req = requirement(p.school, title="Safeguarding update")
    record(p.teacher, req, days_ago(3))
    sign_in(client, p.headteacher)
    text = pdf_text(client.get(reverse("training-matrix-pdf", args=[p.school.slug])))
    assert "Training matrix: Oakwood Primary" in text
    assert "Terry Teacher" in text and "Safeguarding update" in text and "Done" in text
    # The summary first: 4 staff must have it, 1 done, none due soon, 3 missing.
    assert "Summary: each training" in text and "Safeguarding update 4 1 0 3" in text


def test_my_training_record_pdf(client, personas):
    p = personas
    req = requirement(p.school, title="Prevent awareness")
    record(p.teacher, req, days_ago(3), provider="Home Office")
    sign_in(client, p.teacher)
    text = pdf_text(client.get(reverse("training-mine-pdf")))
    assert "Training record: Terry Teacher" in text
    assert "Prevent awareness" in text and "Home Office" in text


def test_recording_bad_input_gives_messages_not_errors(client, personas):
    p = personas
    req = requirement(p.school)
    sign_in(client, p.teacher)
    url = reverse("training-record-add")
    bad_file = certificate("cert.pdf", b"<html>not a certificate</html>", "application/pdf")
    response = client.post(
        url, {"requirement": req.pk, "completed_on": days_ago(1), "certificate": bad_file}
    )
    assert response.status_code == 200
    assert "contents don&#x27;t match its name" in response.content.decode()
    response = client.post(url, {"requirement": req.pk, "completed_on": "1899-01-01"})
    assert "Check the year" in response.content.decode()
    response = client.post(url, {"completed_on": days_ago(1), "title": ""})
    assert "Say what the training was." in response.content.decode()
    assert not TrainingRecord.objects.exists()


def test_session_page_records_the_ticked_people(client, personas):
    p = personas
    req = requirement(p.school)
    sign_in(client, p.esafety_officer)
    url = reverse("training-session", args=[p.school.slug])
    data = {
        "requirement": req.pk,
        "completed_on": timezone.localdate(),
        "people": [p.teacher.pk, p.technician.pk],
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double submit adds nobody
    assert TrainingRecord.objects.filter(requirement=req).count() == 2
    response = client.post(url, {**data, "people": []})
    assert "Tick the people who were there." in response.content.decode()


def test_trustees_see_percentages_and_never_names(client, personas):
    p = personas
    req = requirement(p.school, title="Safeguarding update")
    record(p.teacher, req, days_ago(3))
    sign_in(client, p.trustee)
    page = client.get(reverse("training-figures")).content.decode()
    assert "Safeguarding update" in page and "25%" in page  # 1 of 4 staff
    for name in ("Terry Teacher", "Tess Technician", "Hana Head", "Eddie Officer", "Tara Trustee"):
        assert name not in page


def test_curriculum_map_shows_coverage_and_gaps(client, personas):
    p = personas
    Lesson.objects.create(
        school=p.school,
        taught_on=timezone.localdate(),
        year_group=5,
        strand=Strand.BULLYING,
        topic="Kind words online",
        teacher=p.teacher,
    )
    sign_in(client, p.esafety_officer)
    page = client.get(reverse("training-curriculum", args=[p.school.slug])).content.decode()
    assert "Year 5" in page and "Online bullying" in page
    assert "7 gaps" in page


def test_a_teacher_records_a_lesson_and_the_class_is_remembered(client, personas):
    p = personas
    sign_in(client, p.teacher)
    url = reverse("training-lessons")
    data = {
        "taught_on": timezone.localdate(),
        "year_group": 5,
        "class_name": "5B",
        "strand": "privacy",
        "topic": "Passwords",
    }
    assert client.post(url, data).status_code == 302
    lesson = Lesson.objects.get()
    assert (lesson.teacher, lesson.school) == (p.teacher, p.school)
    page = client.get(url).content.decode()
    assert 'value="5B"' in page
    bad = client.post(
        url, {**data, "taught_on": (timezone.localdate() + datetime.timedelta(days=3))}
    )
    assert "in the future" in bad.content.decode()


def test_trustees_see_each_school_at_a_glance(client, personas):
    p = personas
    everyone = requirement(p.school, title="Safeguarding update")
    technicians = requirement(p.school, title="Technician course", audience_roles=["technician"])
    record(p.teacher, everyone, days_ago(3))
    record(p.technician, technicians, days_ago(3))
    session = parent_session(p, starts_in=-datetime.timedelta(hours=2))
    parent_sessions.record_attendance(session=session, by=p.esafety_officer, count=12)
    sign_in(client, p.chair)
    page = client.get(reverse("training-figures")).content.decode()
    glance = page.split("at a glance: all the training required")[1].split("</table>")[0]
    oakwood = glance.split("Oakwood Primary")[1].split("</tr>")[0]
    # 2 of the 5 things required are in date; 3 missing; 1 session with 12 parents.
    assert ">40%<" in oakwood and ">3<" in oakwood and "1 (12 parents)" in oakwood
    assert "–" in glance.split("Elmridge Primary")[1].split("</tr>")[0]
    assert "Terry Teacher" not in page


def test_approved_training_is_to_do_with_its_date_until_recorded_as_done(client, personas):
    from training import services

    p = personas
    cpd = services.ask_for_cpd(school=p.school, by=p.teacher, topic="Responding to sextortion")
    due = timezone.localdate() + datetime.timedelta(days=20)
    planned = services.decide_cpd(
        request=cpd, by=p.esafety_officer, approve=True, due_on=due
    ).planned_record
    sign_in(client, p.teacher)
    page = client.get(reverse("training-mine")).content.decode()
    to_do, done = page.split("What I have done")
    assert "Responding to sextortion" in to_do and f"By {due:%-d %b %Y}" in to_do
    assert "Responding to sextortion" not in done
    response = client.post(
        reverse("training-record-complete", args=[planned.pk]),
        {"completed_on": days_ago(0), "provider": "NSPCC Learning"},
    )
    assert response.status_code == 302
    page = client.get(reverse("training-mine")).content.decode()
    to_do, done = page.split("What I must do")[1].split("What I have done")
    assert "Responding to sextortion" not in to_do and "Responding to sextortion" in done
