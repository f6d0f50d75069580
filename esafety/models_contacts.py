"""Local contacts: who a school calls about a safeguarding or e-safety concern (the LADO,
the children's social care front door, the police, CEOP, the IWF ...). Imported by
models.py.

A row belongs to a trust (shared by all its schools: one local authority, one LADO) or
to one school (overriding the trust's entry of the same kind). The standard set that
fills the kinds nobody has entered (the national numbers, and blanks for the local ones)
is data in esafety/contacts.py, not rows: a national number corrected there is corrected
for every school that has not entered its own.

The 2018 policy's appendices name the LSCB; since the Children and Social Work Act 2017
(and KCSIE) the local arrangements are the safeguarding partners' (the local authority,
the integrated care board and the police), so the kinds use the current names.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class ContactKind(models.TextChoices):
    EMERGENCY = "emergency", "Police: emergency (999)"
    LADO = "lado", "LADO (local authority designated officer)"
    MASH = "mash", "Children's social care front door (MASH)"
    CEOP = "ceop", "CEOP (Child Exploitation and Online Protection)"
    IWF = "iwf", "Internet Watch Foundation (IWF)"
    POLICE = "police", "Police: non-emergency (101)"
    PREVENT = "prevent", "Prevent"
    SAFEGUARDING_PARTNERS = "safeguarding_partners", "Local safeguarding partners"
    NSPCC = "nspcc", "NSPCC helpline"
    CHILDLINE = "childline", "Childline"
    WHISTLEBLOWING = "whistleblowing", "NSPCC whistleblowing advice line"
    REPORT_HARMFUL_CONTENT = "report_harmful_content", "Report Harmful Content"
    OTHER = "other", "Other"


# Spaces, dashes, dots and brackets people type between the digits of a number.
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
# "+44 (0)1632 ..." and "0044 1632 ...": the international prefix, read as the leading 0.
_INTERNATIONAL_PREFIX = re.compile(r"^(\+44|0044)0?")
# An extension after the number: "ext 214", "ext. 214", "x214".
_EXTENSION = re.compile(r"\s*(ext\.?|extension|x)\s*[0-9]{1,6}\s*$", re.IGNORECASE)
# Loosely UK: a number starting 0 (8 to 11 digits: 0800 1111 has 8, mobiles 11), or a
# short code (999, 101, 111, 112, 116 xxx). ASCII digits only: \d would take any script's.
_UK_NUMBER = re.compile(r"0[0-9]{7,10}|999|101|111|112|116[0-9]{3}")


def phone_digits(value: str) -> str:
    """The digits to dial (no extension), for a tel: link; "" if it is not a UK number."""
    number = _EXTENSION.sub("", value.strip())
    digits = _INTERNATIONAL_PREFIX.sub("0", _PHONE_SEPARATORS.sub("", number))
    return digits if _UK_NUMBER.fullmatch(digits) else ""


def validate_uk_phone(value: str) -> None:
    if value and not phone_digits(value):
        raise ValidationError(
            "Give a UK phone number, such as 01632 960123, 0800 1111 or 101 "
            "(an extension may follow, as in 01632 960123 ext 214).",
            code="phone",
        )


def validate_https(value: str) -> None:
    """A contact's web address is followed by staff in a hurry: only a secure one."""
    if value and not value.lower().startswith("https://"):
        raise ValidationError("Give the secure address, starting with https://.", code="not_https")


class LocalContact(models.Model):
    """One entry in a trust's or a school's directory of contacts."""

    trust = models.ForeignKey(
        "esafety.Trust",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="local_contacts",
    )
    school = models.ForeignKey(
        "esafety.School",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="local_contacts",
    )
    kind = models.CharField(max_length=30, choices=ContactKind.choices)
    name = models.CharField(
        "name or organisation",
        max_length=200,
        help_text="For example: Eastbridge Council LADO service, or the officer's name.",
    )
    phone = models.CharField(
        "phone number", max_length=40, blank=True, validators=[validate_uk_phone]
    )
    email = models.EmailField("email address", blank=True)
    website = models.URLField(
        "website or online form", max_length=500, blank=True, validators=[validate_https]
    )
    hours = models.CharField(
        "when they answer, and out of hours",
        max_length=300,
        blank=True,
        help_text="For example: Monday to Friday 9am to 5pm; out of hours, the emergency "
        "duty team on 01632 960999.",
    )
    notes = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(
        "place in the list",
        null=True,
        blank=True,
        help_text="Leave it empty for the usual place. Lower numbers come first; the "
        "standard entries are numbered 10 to 120.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(trust__isnull=False, school__isnull=True)
                | Q(trust__isnull=True, school__isnull=False),
                name="contact_for_a_trust_or_a_school",
            ),
            # One entry of each kind per school and per trust; any number of "other".
            models.UniqueConstraint(
                fields=["school", "kind"],
                condition=Q(school__isnull=False) & ~Q(kind="other"),
                name="one_contact_of_a_kind_per_school",
            ),
            models.UniqueConstraint(
                fields=["trust", "kind"],
                condition=Q(trust__isnull=False) & ~Q(kind="other"),
                name="one_contact_of_a_kind_per_trust",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.name}"
