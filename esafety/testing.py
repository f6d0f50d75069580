"""Test helpers shared by every app: factories, named personas and signing in.

Personas (healthchecks' alice/bob/charlie idea): this school's headteacher, e-safety
officer, technician, teacher, pupil and parent; another school's teacher and
headteacher; a trustee and the chair. All fictional.
"""

import datetime
import importlib
from dataclasses import dataclass
from pathlib import Path

import factory
from django.apps import apps
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import (
    Membership,
    ParentLink,
    Role,
    School,
    StaffType,
    Trust,
    TrusteeMembership,
    User,
)

PASSWORD = "correct-horse-battery-staple"


class TrustFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trust

    name = factory.Sequence(lambda n: f"Test Trust {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    trust = factory.SubFactory(TrustFactory)
    name = factory.Sequence(lambda n: f"Test School {n}")
    slug = factory.Sequence(lambda n: f"test-school-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    full_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@school.example")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    role = Role.STAFF
    staff_type = factory.LazyAttribute(lambda m: StaffType.TEACHER if m.role == Role.STAFF else "")
    year_group = factory.LazyAttribute(lambda m: 5 if m.role == Role.PUPIL else None)
    started_on = datetime.date(2025, 9, 1)


def person(school, *roles, name=None, email=None, **fields) -> User:
    user = UserFactory(
        **({"full_name": name} if name else {}), **({"email": email} if email else {})
    )
    for role in roles:
        MembershipFactory(user=user, school=school, role=role, **fields)
    return user


def trustee(trust, *, chair=False, name=None) -> User:
    user = UserFactory(**({"full_name": name} if name else {}))
    TrusteeMembership.objects.create(
        user=user, trust=trust, is_chair=chair, started_on=datetime.date(2025, 9, 1)
    )
    return user


@dataclass
class Personas:
    school: School
    other_school: School
    headteacher: User
    esafety_officer: User
    technician: User
    teacher: User
    pupil: User
    parent: User
    other_school_teacher: User
    other_school_headteacher: User
    trustee: User
    chair: User

    NAMES = (
        "headteacher",
        "esafety_officer",
        "technician",
        "teacher",
        "pupil",
        "parent",
        "other_school_teacher",
        "other_school_headteacher",
        "trustee",
        "chair",
    )

    def get(self, name):
        return None if name == "anonymous" else getattr(self, name)


def make_personas() -> Personas:
    trust = TrustFactory(name="Oakwood Schools Trust")
    school = SchoolFactory(trust=trust, name="Oakwood Primary", slug="oakwood")
    other = SchoolFactory(trust=trust, name="Elmridge Primary", slug="elmridge")
    pupil = person(school, Role.PUPIL, name="Poppy Pupil")
    parent = person(school, Role.PARENT, name="Pat Parent")
    ParentLink.objects.create(parent=parent, child=pupil, relationship="mother")
    return Personas(
        school=school,
        other_school=other,
        headteacher=person(school, Role.HEADTEACHER, name="Hana Head"),
        esafety_officer=person(school, Role.ESAFETY_OFFICER, name="Eddie Officer"),
        technician=person(school, Role.TECHNICIAN, name="Tess Technician"),
        teacher=person(school, Role.STAFF, name="Terry Teacher"),
        pupil=pupil,
        parent=parent,
        other_school_teacher=person(other, Role.STAFF, name="Olly Othersch"),
        other_school_headteacher=person(other, Role.HEADTEACHER, name="Orla Otherhead"),
        trustee=trustee(trust, name="Tara Trustee"),
        chair=trustee(trust, chair=True, name="Charles Chair"),
    )


def verified_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)


def sign_in(client, user, *, second_factor=True):
    """Sign in as `user`; with `second_factor`, as if they had typed a valid TOTP code."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if second_factor:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
        session.save()
    return client


# --- the permission matrix ----------------------------------------------------------------

ALL_PERSONAS = ("anonymous", *Personas.NAMES)


@dataclass
class Route:
    """One URL in the permission matrix: how to build it and what each persona gets."""

    name: str
    expect: dict  # persona name -> HTTP status
    kwargs: object = None  # callable(personas) -> dict of URL kwargs
    method: str = "get"
    data: object = None  # callable(personas) -> POST data
    # A GET that redirects to its form (a reset link swapping its token for a session):
    # the generated-input test follows it and fills in the form it lands on.
    leads_to_form: bool = False

    def __post_init__(self):
        missing = set(ALL_PERSONAS) - set(self.expect)
        if missing:
            raise ValueError(f"Route {self.name} has no expected status for {sorted(missing)}")


def expect(default: int, anonymous: int = 302, **overrides) -> dict:
    """Every persona gets `default` unless named; anonymous people are sent to sign in."""
    table = {name: default for name in Personas.NAMES}
    table["anonymous"] = anonymous
    table.update(overrides)
    return table


def school_managers_only(ok: int = 200) -> dict:
    """A page in this school for its headteacher and e-safety officer: others in scope get
    403, people of another school get 404 (they can't see the school exists)."""
    return expect(
        403,
        headteacher=ok,
        esafety_officer=ok,
        other_school_teacher=404,
        other_school_headteacher=404,
    )


def collect_routes() -> list[Route]:
    """ROUTES from every app's tests/permissions.py and tests/permissions_*.py: the
    permission matrix, and the list of forms the generated-input test posts to."""
    routes = []
    for config in apps.get_app_configs():
        folder = Path(config.path) / "tests"
        for path in sorted(folder.glob("permissions*.py")):
            module = importlib.import_module(f"{config.name}.tests.{path.stem}")
            routes.extend(module.ROUTES)
    return routes
