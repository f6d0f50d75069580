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
    TrustLead,
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
    # Appointed by the chair (Trust overview > Trust safeguarding lead); no school role.
    ("safeguarding@riverside.example", "Nadia Karim", None, ["trust_lead"], ""),
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
                elif role == "trust_lead":
                    if not TrustLead.objects.active().filter(user=user, trust=trust).exists():
                        TrustLead.objects.create(
                            user=user, trust=trust, started_on=datetime.date(2025, 9, 1)
                        )
                else:
                    self._membership(user, schools[slug], role, staff_type=staff_type)
        for slug, years, count, parent_email in PUPIL_PLAN:
            self._pupils(schools[slug], years, count, parent_email)
        self._seed_apps(schools)
        self._sign_in_settings(trust)
        self._print_logins()

    def _sign_in_settings(self, trust):
        """The trust's Microsoft sign-in, filled in but switched off: the demo has no
        real tenant to send anyone to (Trust overview > Sign-in with Microsoft or Google)."""
        from esafety.sso.services import save_sign_in

        if trust.sign_ins.exists():
            return
        sign_in = save_sign_in(
            trust=trust,
            provider="microsoft",
            by=User.objects.get(email="chair@riverside.example"),
            tenant="3f5c2a10-7b1e-4d2a-9c6f-0e8d4b1a2c3d",
            domains=["riverside.example", "brookfield.example", "hillside.example"],
            client_id="demo-client-id",
            secret="demo-client-secret",
            enabled=False,
        )
        # Proved as if their TXT records were found, except one, to show the step.
        sign_in.domains.exclude(domain="hillside.example").update(verified_at=timezone.now())

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
        logins = demo_logins()
        width = max(len(email) for email, *_ in logins)
        for email, name, place, purpose in logins:
            self.stdout.write(f"    {email:{width}}  {name:12}  {place:10}  {purpose}")


# What each demo login is for (README.md lists the same). A login added to DEMO_ADULTS
# without a line here is shown with its roles.
LOGIN_PURPOSES = {
    "chair@riverside.example": "chair of trustees: concerns about a head, signs reports",
    "trustee@riverside.example": "trustee: each school's figures, no names",
    "safeguarding@riverside.example": "trust safeguarding lead: every school's incidents",
    "head@brookfield.example": "head and e-safety officer: the incident queue, sign-offs",
    "teacher@brookfield.example": "teacher: logs incidents, signs the staff agreement",
    "ta@brookfield.example": "teaching assistant: logs incidents, training",
    "office@brookfield.example": "office staff: logs incidents, signs agreements",
    "technician@riverside.example": "technician in both schools: devices, filtering",
    "head@hillside.example": "headteacher; another person is e-safety officer",
    "esafety@hillside.example": "e-safety officer and teacher: the incident queue",
    "teacher@hillside.example": "teacher: logs incidents, signs the staff agreement",
    "volunteer@hillside.example": "volunteer: signs the volunteers' agreement",
    PUPIL_LOGINS["brookfield"]: "Year 6 pupil: their own agreements",
    PUPIL_LOGINS["hillside"]: "Year 11 pupil: their own agreements",
    "parent@brookfield.example": "parent of two: signs and consents for them",
    "parent@hillside.example": "parent of two: signs and consents for them",
}


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(email, name, school or 'trust', what the login is for), each login once."""
    rows = [(email, name, slug, roles) for email, name, slug, roles, _ in DEMO_ADULTS]
    rows += [(PUPIL_LOGINS["brookfield"], "a pupil", "brookfield", [Role.PUPIL])]
    rows += [(PUPIL_LOGINS["hillside"], "a pupil", "hillside", [Role.PUPIL])]
    rows += [("parent@brookfield.example", "a parent", "brookfield", [Role.PARENT])]
    rows += [("parent@hillside.example", "a parent", "hillside", [Role.PARENT])]
    logins, seen = [], set()
    for email, name, slug, roles in rows:
        if email in seen:
            continue
        seen.add(email)
        roles_text = ", ".join(str(role).replace("_", " ") for role in roles)
        logins.append((email, name, slug or "trust", LOGIN_PURPOSES.get(email, roles_text)))
    return logins
