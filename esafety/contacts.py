"""Local contacts: the standard set, a school's merged directory, the writes, and who may
read and change them.

The directory a school's staff read is three layers, most particular first: the school's
own entries, its trust's (one local authority's LADO and front door, shared by the trust's
schools), then the standard set below (the national numbers, and a blank for each local
service a school must fill in). The standard set is code, not rows, so a national number
corrected here is corrected for every school that has not entered its own.
"""

from dataclasses import dataclass, replace

import rules
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from .models import STAFF_ROLES, School, Trust, User
from .models_contacts import ContactKind, LocalContact, phone_digits
from .roles import (
    access_for,
    chairs_a_trust,
    is_school_manager,
    is_trust_lead_over,
    is_trustee,
    is_trustee_over,
    roles_in,
)
from .services import attributed


@dataclass(frozen=True)
class StandardContact:
    """One entry of the standard set: a national service, or a local blank."""

    kind: str
    name: str
    when: str  # when to use it, in a few words
    order: int
    phone: str = ""
    email: str = ""
    website: str = ""
    hours: str = ""
    notes: str = ""
    local: bool = False  # the school or the trust fills it in
    meanwhile: str = ""  # what to do while a local entry is blank


# The panel on the log-incident page: what to do first, most urgent first, in its words.
URGENT = {
    ContactKind.EMERGENCY: "A child in immediate danger",
    ContactKind.LADO: "A concern about an adult who works with children",
    ContactKind.MASH: "A child at risk of harm",
    ContactKind.CEOP: "Online sexual abuse or grooming of a child",
    ContactKind.IWF: "Child sexual abuse images or videos online",
}


# Most urgent first: the order the log-incident panel and the directory show them in.
STANDARD_SET = (
    StandardContact(
        ContactKind.EMERGENCY,
        "Police",
        "A child is in immediate danger, or a crime is happening now",
        10,
        phone="999",
        hours="Any time",
    ),
    StandardContact(
        ContactKind.LADO,
        "Local authority designated officer (LADO)",
        "A concern or allegation about an adult who works with children (within one working day)",
        20,
        local=True,
        meanwhile="Tell the headteacher, or the chair of trustees if it is about the headteacher.",
    ),
    StandardContact(
        ContactKind.MASH,
        "Children's social care front door (MASH)",
        "A child at risk of significant harm: a referral to children's social care",
        30,
        local=True,
        meanwhile="If a child is in immediate danger, call the police on 999.",
    ),
    StandardContact(
        ContactKind.CEOP,
        "CEOP (National Crime Agency)",
        "Online sexual abuse or grooming of a child: report it online",
        40,
        website="https://www.ceop.police.uk/Safety-Centre/",
        hours="Online form, any time",
    ),
    StandardContact(
        ContactKind.IWF,
        "Internet Watch Foundation",
        "Child sexual abuse images or videos online: report the web address (never "
        "open, copy or share them)",
        50,
        website="https://report.iwf.org.uk/",
        hours="Online form, any time",
    ),
    StandardContact(
        ContactKind.POLICE,
        "Police (non-emergency)",
        "A crime that is not an emergency, or advice from the police",
        60,
        phone="101",
        hours="Any time",
    ),
    StandardContact(
        ContactKind.PREVENT,
        "Prevent lead",
        "A concern that a child is being drawn into extremism or terrorism",
        70,
        local=True,
        meanwhile="Call the police on 101 and ask for Prevent.",
    ),
    StandardContact(
        ContactKind.SAFEGUARDING_PARTNERS,
        "Local safeguarding children partnership",
        "The local safeguarding partners' procedures and thresholds (these replaced the LSCB)",
        80,
        local=True,
        meanwhile="The DSL holds the local procedures.",
    ),
    StandardContact(
        ContactKind.NSPCC,
        "NSPCC helpline",
        "Advice for adults worried about a child",
        90,
        phone="0808 800 5000",
    ),
    StandardContact(
        ContactKind.CHILDLINE,
        "Childline",
        "For children and young people to talk to someone, free and confidential",
        100,
        phone="0800 1111",
        hours="Any time",
    ),
    StandardContact(
        ContactKind.WHISTLEBLOWING,
        "NSPCC whistleblowing advice line",
        "Staff who feel unable to raise a concern inside the school, or feel it was not dealt with",
        110,
        phone="0800 028 0285",
    ),
    StandardContact(
        ContactKind.REPORT_HARMFUL_CONTENT,
        "Report Harmful Content",
        "Harmful content online that a platform has not taken down after a report",
        120,
        website="https://reportharmfulcontent.com/",
    ),
)
STANDARD = {entry.kind: entry for entry in STANDARD_SET}
OTHER_ORDER = 500  # "other" entries come after the standard set unless placed otherwise
URGENT_KINDS = tuple(URGENT)
# 999 is the same everywhere and a mistyped copy could cost a life: no one overrides it.
FIXED_KINDS = frozenset({ContactKind.EMERGENCY})
EDITABLE_KINDS = [(k, label) for k, label in ContactKind.choices if k not in FIXED_KINDS]


@dataclass(frozen=True)
class Entry:
    """One line of a directory, wherever it came from."""

    kind: str
    name: str
    when: str
    order: int
    phone: str = ""
    email: str = ""
    website: str = ""
    hours: str = ""
    notes: str = ""
    source: str = "standard"  # "school", "trust" or "standard"
    contact: LocalContact | None = None  # the row, when it is one
    meanwhile: str = ""

    @property
    def is_blank(self) -> bool:
        return not (self.phone or self.email or self.website)

    @property
    def phone_link(self) -> str:
        return phone_digits(self.phone)

    @property
    def label(self) -> str:
        return ContactKind(self.kind).label

    @property
    def urgent_when(self) -> str:
        return URGENT.get(self.kind, "")

    @property
    def is_fixed(self) -> bool:
        return self.kind in FIXED_KINDS

    @property
    def source_label(self) -> str:
        if self.source == "standard":
            return "To fill in" if self.is_blank else "National"
        return {"school": "This school", "trust": "Trust-wide"}[self.source]


def _standard_entry(standard: StandardContact) -> Entry:
    fields = {k: getattr(standard, k) for k in ("phone", "email", "website", "hours", "notes")}
    return Entry(
        standard.kind,
        standard.name,
        standard.when,
        standard.order,
        meanwhile=standard.meanwhile,
        **fields,
    )


def _row_entry(contact: LocalContact) -> Entry:
    standard = STANDARD.get(contact.kind)
    usual = standard.order if standard else OTHER_ORDER
    return Entry(
        contact.kind,
        contact.name,
        standard.when if standard else "",
        usual if contact.order is None else contact.order,
        contact.phone,
        contact.email,
        contact.website,
        contact.hours,
        contact.notes,
        source="school" if contact.school_id else "trust",
        contact=contact,
    )


def _merged(layers: list[list[LocalContact]]) -> list[Entry]:
    """Each kind from the first layer that has it, else the standard set; every "other"
    entry of every layer."""
    chosen: dict[str, Entry] = {}
    others: list[Entry] = []
    for layer in layers:
        for contact in layer:
            if contact.kind == ContactKind.OTHER:
                others.append(_row_entry(contact))
            elif contact.kind not in chosen and contact.kind not in FIXED_KINDS:
                chosen[contact.kind] = _row_entry(contact)
    for standard in STANDARD_SET:
        chosen.setdefault(standard.kind, _standard_entry(standard))
    return sorted([*chosen.values(), *others], key=lambda e: (e.order, e.name.lower()))


def contacts_for(school: School) -> list[Entry]:
    """The school's directory: its own entries over its trust's, the standard set for the
    rest. One query."""
    rows = list(LocalContact.objects.filter(Q(school=school) | Q(trust_id=school.trust_id)))
    return _merged(
        [[c for c in rows if c.school_id], [c for c in rows if c.trust_id]],
    )


def contacts_for_trust(trust: Trust) -> list[Entry]:
    """What the trust's schools start from: its entries, the standard set for the rest."""
    return _merged([list(LocalContact.objects.filter(trust=trust))])


def urgent_contacts(school: School) -> list[Entry]:
    """The panel on the log-incident page, in the order to act in."""
    by_kind = {e.kind: e for e in contacts_for(school) if e.kind in URGENT_KINDS}
    return [by_kind[kind] for kind in URGENT_KINDS]


def starting_values(kind: str, *, school: School | None = None, trust: Trust | None = None):
    """What the form for a new entry of `kind` starts from: the entry it will override
    (the trust's for a school, else the standard one)."""
    entries = contacts_for(school) if school else contacts_for_trust(trust)
    current = next((e for e in entries if e.kind == kind and kind != ContactKind.OTHER), None)
    if current is None:
        return {"kind": kind}
    fields = ("name", "phone", "email", "website", "hours", "notes")
    return {"kind": kind, **{f: getattr(current, f) for f in fields}}


# --- writes ---------------------------------------------------------------------------------


UNREACHABLE = "Give at least one way to reach them: a phone number, an email address or a website."


def _checked(contact: LocalContact) -> LocalContact:
    """The field checks, and at least one way to reach them. The unique kind is left to
    the database (two people adding the same kind at once), see `_saved`."""
    contact.full_clean(validate_constraints=False)
    if not (contact.phone or contact.email or contact.website):
        raise ValidationError({"phone": UNREACHABLE})
    return contact


def _saved(contact: LocalContact, by: User) -> LocalContact:
    try:
        with transaction.atomic():  # a savepoint: the kind may have been taken meanwhile
            attributed(contact, by).save()
    except IntegrityError:
        raise _already_there(contact.kind, contact.school) from None
    return contact


def _already_there(kind: str, school: School | None) -> ValidationError:
    where = "This school" if school else "The trust"
    return ValidationError(
        {
            "kind": f"{where} already has its own {ContactKind(kind).label} entry: "
            "change that one instead."
        }
    )


@transaction.atomic
def add_contact(
    *, by: User, school: School | None = None, trust: Trust | None = None, **fields
) -> LocalContact:
    """A new entry for a school (over its trust's and the standard one) or a trust."""
    if fields["kind"] in FIXED_KINDS:
        raise ValidationError({"kind": "The emergency number is the same everywhere: 999."})
    contact = LocalContact(school=school, trust=None if school else trust, **fields)
    return _saved(_checked(contact), by)


@transaction.atomic
def change_contact(*, contact: LocalContact, by: User, **fields) -> LocalContact:
    """Save a changed entry; who changed it is in its history."""
    locked = LocalContact.objects.select_for_update().get(pk=contact.pk)
    for name, value in fields.items():
        setattr(locked, name, value)
    return _saved(_checked(locked), by)


@transaction.atomic
def remove_contact(*, contact: LocalContact, by: User) -> None:
    """Removed (the trust's or the standard entry shows again). Removed by someone else
    at the same moment is not an error: it is gone either way."""
    found = LocalContact.objects.select_for_update().filter(pk=contact.pk).first()
    if found is not None:
        attributed(found, by).delete()


@transaction.atomic
def start_from_standard_set(
    *, by: User, school: School | None = None, trust: Trust | None = None, details: dict
) -> list[LocalContact]:
    """Give a school or a trust its own entries from the standard set, with `details`
    ({kind: {field: value}}) filled in: the local numbers the standard set leaves blank.
    A kind it has already is left as it is, so it is safe to run again. An entry still
    with no phone, email or website is not made (the standard blank shows instead)."""
    owner = Q(school=school) if school else Q(trust=trust)
    have = set(LocalContact.objects.filter(owner).values_list("kind", flat=True))
    made = []
    for standard in STANDARD_SET:
        if standard.kind in have or standard.kind in FIXED_KINDS:
            continue
        entry = replace(_standard_entry(standard), **details.get(standard.kind, {}))
        if entry.is_blank:
            continue
        fields = ("name", "phone", "email", "website", "hours", "notes")
        values = {f: getattr(entry, f) for f in fields}
        made.append(add_contact(by=by, school=school, trust=trust, kind=entry.kind, **values))
    return made


# --- who may read and change them ------------------------------------------------------------


@rules.predicate
def is_staff_of(user, school):
    return school is not None and bool(roles_in(user, school) & STAFF_ROLES)


@rules.predicate
def leads_trust(user, trust=None):
    """The trust safeguarding lead (of `trust`, when one is given)."""
    led = access_for(user).lead_trust_ids
    return bool(led) if trust is None else trust.pk in led


def trusts_readable_by(user):
    access = access_for(user)
    return Trust.objects.filter(pk__in=access.trust_ids | access.lead_trust_ids).order_by("name")


def trusts_editable_by(user):
    access = access_for(user)
    return Trust.objects.filter(pk__in=access.chair_trust_ids | access.lead_trust_ids)


# Staff read their school's list (they are the ones who call); trustees and the trust
# lead too (the chair takes concerns about the headteacher, and needs the LADO's number).
rules.add_rule("esafety.view_local_contacts", is_staff_of | is_trustee_over | is_trust_lead_over)
# The school's leads keep it up to date.
rules.add_rule("esafety.edit_local_contacts", is_school_manager)
# The trust's shared list: trustees and the trust safeguarding lead read it; the chair
# and the lead change it.
rules.add_rule("esafety.view_trust_contacts", is_trustee | leads_trust)
rules.add_rule("esafety.edit_trust_contacts", chairs_a_trust | leads_trust)
