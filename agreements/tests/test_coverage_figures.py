"""Coverage from the figures layer: one pass for every school, equal to the registers,
and fresh on every page as soon as someone signs or joins."""

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements import registers, services
from agreements.models import Document, Kind
from agreements.tests.factories import STAFF, published
from esafety.models import Membership, Role
from esafety.testing import SchoolFactory, person, sign_in

pytestmark = pytest.mark.django_db


def staff_policy(school, by):
    document = Document.objects.create(
        school=school, kind=Kind.POLICY, title="E-safety policy", audience_roles=STAFF
    )
    return document, published(document, by)


def test_every_schools_coverage_in_one_pass_equals_each_register(
    personas, django_assert_num_queries
):
    p = personas
    _, version = staff_policy(p.school, p.headteacher)
    services.sign(
        version=version, signer=p.teacher, subject=p.teacher, typed_name=p.teacher.full_name
    )
    staff_policy(p.other_school, p.other_school_headteacher)
    pupil_aup = Document.objects.create(
        school=p.school, kind=Kind.PUPIL_KS2, title="Pupil AUP", audience_roles=["pupil"]
    )
    published(pupil_aup, p.headteacher)
    today = timezone.localdate()
    with django_assert_num_queries(4):  # documents, current versions, figures per school
        coverage = registers.coverage_for_schools([p.school.pk, p.other_school.pk], today)
    for school in (p.school, p.other_school):
        for title, figures in coverage[school.pk]:
            register = registers.register_for(Document.objects.get(pk=title.pk), today)
            assert figures == register.total
    assert [title.title for title, _ in coverage[p.school.pk]] == ["E-safety policy", "Pupil AUP"]
    (_, ours), (_, theirs) = coverage[p.school.pk][0], coverage[p.other_school.pk][0]
    assert (ours.audience, ours.signed) == (4, 1)
    assert coverage[p.school.pk][1][1].audience == 1  # the pupil
    assert (theirs.audience, theirs.signed) == (2, 0)


def test_a_signature_shows_at_once_on_the_overview_panel_and_trustees_page(personas, client):
    p = personas
    _, version = staff_policy(p.school, p.headteacher)
    overview = reverse("agreements-registers", args=[p.school.slug])
    sign_in(client, p.esafety_officer)
    assert '<td class="text-end">0</td>' in client.get(overview).content.decode()
    client.get(reverse("home"))  # the panel's figures are cached now too
    services.sign(
        version=version, signer=p.teacher, subject=p.teacher, typed_name=p.teacher.full_name
    )
    assert ">25%<" in client.get(overview).content.decode()
    assert ">25%<" in client.get(reverse("home")).content.decode()
    sign_in(client, p.trustee)
    assert ">25%<" in client.get(reverse("agreements-coverage")).content.decode()


def test_someone_joining_the_school_counts_at_once(personas, client):
    p = personas
    staff_policy(p.school, p.headteacher)
    sign_in(client, p.trustee)
    url = reverse("agreements-coverage")
    assert '<td class="text-end">4</td>' in client.get(url).content.decode()
    person(p.school, Role.STAFF, name="New Starter")
    assert '<td class="text-end">5</td>' in client.get(url).content.decode()
    Membership.objects.get(user__full_name="New Starter").delete()
    assert '<td class="text-end">4</td>' in client.get(url).content.decode()


def test_a_new_school_in_the_trust_appears_on_the_trustees_page(personas, client):
    sign_in(client, personas.trustee)
    client.get(reverse("agreements-coverage"))
    new = SchoolFactory(trust=personas.school.trust, name="Birchfield Primary", slug="birch")
    head = person(new, Role.HEADTEACHER)
    staff_policy(new, head)
    page = client.get(reverse("agreements-coverage")).content.decode()
    assert "Birchfield Primary" in page
    assert "E-safety policy" in page.split("Birchfield Primary</bdi>: coverage of each")[1]
