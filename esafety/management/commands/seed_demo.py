"""A fictional trust with two schools and people in every role. Safe to run again."""

import datetime
import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from esafety.models import (
    Membership,
    ParentLink,
    Role,
    School,
    StaffType,
    Trust,
    TrusteeMembership,
    User,
)

DEMO_PASSWORD = "demo-password-2026"

FIRST_NAMES = [
    "Ava", "Ben", "Cara", "Dev", "Ella", "Finn", "Gita", "Hugo", "Isla", "Jack",
    "Kira", "Luca", "Maya", "Nico", "Orla", "Pip", "Quinn", "Rosa", "Theo", "Uma",
]  # fmt: skip
LAST_NAMES = [
    "Ashby",
    "Brennan",
    "Collier",
    "Dunmore",
    "Ellery",
    "Fenwick",
    "Garside",
    "Holt",
]

# (email, full name, school slug or None, roles, staff type); all fictional.
DEMO_ADULTS = [
    ("chair@riverside.example", "Helen Ward", None, ["chair"], ""),
    ("trustee@riverside.example", "Marcus Bell", None, ["trustee"], ""),
    ("head@brookfield.example", "Alex Morgan", "brookfield", [Role.HEADTEACHER, Role.ESAFETY_OFFICER], ""),
    ("teacher@brookfield.example", "Jordan Reid", "brookfield", [Role.STAFF], StaffType.TEACHER),
    ("ta@brookfield.example", "Sam Taylor", "brookfield", [Role.STAFF], StaffType.TEACHING_ASSISTANT),
    ("office@brookfield.example", "Robin Clarke", "brookfield", [Role.STAFF], StaffType.OFFICE),
    ("technician@riverside.example", "Chris Patel", "brookfield", [Role.TECHNICIAN], ""),
    ("technician@riverside.example", "Chris Patel", "hillside", [Role.TECHNICIAN], ""),
    ("head@hillside.example", "Priya Shah", "hillside", [Role.HEADTEACHER], ""),
    ("esafety@hillside.example", "Tom Hughes", "hillside", [Role.ESAFETY_OFFICER, Role.STAFF], StaffType.TEACHER),
    ("teacher@hillside.example", "Grace Obi", "hillside", [Role.STAFF], StaffType.TEACHER),
    ("volunteer@hillside.example", "Peter Lane", "hillside", [Role.STAFF], StaffType.VOLUNTEER),
]  # fmt: skip

# (school, year groups, how many pupils, parent login for the first family)
PUPIL_PLAN = [("brookfield", [0, 1, 2, 3, 4, 5, 6], 28, "parent@brookfield.example")]
PUPIL_PLAN += [("hillside", [7, 8, 9, 10, 11], 30, "parent@hillside.example")]
PUPIL_LOGINS = {
    "brookfield": "pupil@brookfield.example",
    "hillside": "pupil@hillside.example",
}


class Command(BaseCommand):
    help = "Create (or refresh) the demo trust, schools and people. Fictional names only."

    @transaction.atomic
    def handle(self, *args, **options):
        trust, _ = Trust.objects.get_or_create(name="Riverside Learning Trust")
        schools = {
            "brookfield": self._school(trust, "brookfield", "Brookfield Primary School"),
            "hillside": self._school(trust, "hillside", "Hillside Academy"),
        }
        for email, name, slug, roles, staff_type in DEMO_ADULTS:
            user = self._user(email, name)
            for role in roles:
                if role in ("chair", "trustee"):
                    TrusteeMembership.objects.get_or_create(
                        user=user, trust=trust, defaults={"is_chair": role == "chair"}
                    )
                else:
                    self._membership(user, schools[slug], role, staff_type=staff_type)
        for slug, years, count, parent_email in PUPIL_PLAN:
            self._pupils(schools[slug], years, count, parent_email)
        self._seed_apps(schools)
        self._print_logins()

    def _seed_apps(self, schools):
        """Each app may add demo records in `<app>/demo.py` with `seed(schools)`."""
        for config in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError:
                continue
            module.seed(schools)

    def _school(self, trust, slug, name):
        school, _ = School.objects.get_or_create(slug=slug, defaults={"trust": trust, "name": name})
        return school

    def _user(self, email, name, *, with_password=True, date_of_birth=None):
        user = User.objects.filter(email=email).first() if email else None
        if user is None:
            user = User.objects.create_user(
                email=email, full_name=name, date_of_birth=date_of_birth
            )
        if with_password and email and not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save()
        return user

    def _membership(self, user, school, role, **fields):
        membership = Membership.objects.active().filter(user=user, school=school, role=role).first()
        if membership is None:
            membership = Membership.objects.create(
                user=user,
                school=school,
                role=role,
                started_on=datetime.date(2025, 9, 1),
                **fields,
            )
        return membership

    def _pupils(self, school, years, count, parent_email):
        today = timezone.localdate()
        for index in range(count):
            year = years[index % len(years)]
            upn = f"{school.slug[:2].upper()}{index + 1:04d}"
            existing = Membership.objects.filter(
                school=school, role=Role.PUPIL, external_id=upn
            ).first()
            first = FIRST_NAMES[index % len(FIRST_NAMES)]
            last = LAST_NAMES[(index // 2) % len(LAST_NAMES)]
            if existing:
                pupil = existing.user
            else:
                email = PUPIL_LOGINS[school.slug] if index == len(years) - 1 else None
                birth_year = today.year - year - 5 - (1 if today.month >= 9 else 0)
                pupil = self._user(
                    email,
                    f"{first} {last}",
                    date_of_birth=datetime.date(birth_year, 3, 1 + index % 27),
                )
                self._membership(
                    pupil,
                    school,
                    Role.PUPIL,
                    year_group=year,
                    class_name=f"{year}{'AB'[index % 2]}" if year else "Reception",
                    external_id=upn,
                )
            # Two children share a parent: the family of pupils 0 and 1 has a demo login.
            family = index // 2
            parent_login = parent_email if family == len(years) // 2 - 1 else None
            parent = self._user(
                parent_login or f"{last.lower()}.family{family}@{school.slug}.example",
                f"{'Kate' if family % 2 else 'Daniel'} {last}",
                with_password=parent_login is not None,
            )
            self._membership(parent, school, Role.PARENT)
            ParentLink.objects.get_or_create(
                parent=parent, child=pupil, defaults={"relationship": "parent"}
            )

    def _print_logins(self):
        self.stdout.write(
            self.style.SUCCESS("Demo data ready. Every demo login uses the password:")
        )
        self.stdout.write(f"    {DEMO_PASSWORD}\n")
        rows = [(email, name, slug, roles) for email, name, slug, roles, _ in DEMO_ADULTS]
        rows += [(PUPIL_LOGINS["brookfield"], "a Year 6 pupil", "brookfield", [Role.PUPIL])]
        rows += [(PUPIL_LOGINS["hillside"], "a Year 11 pupil", "hillside", [Role.PUPIL])]
        rows += [("parent@brookfield.example", "parent of two", "brookfield", [Role.PARENT])]
        rows += [("parent@hillside.example", "parent of two", "hillside", [Role.PARENT])]
        seen = set()
        for email, name, slug, roles in rows:
            if email in seen:
                continue
            seen.add(email)
            label = ", ".join(str(r).replace("_", " ") for r in roles)
            self.stdout.write(f"    {email:32} {label:34} {name} ({slug or 'trust'})")
