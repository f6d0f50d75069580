"""Infringement categories with the seed policy's examples, sanctions and escalation.

The seed's wording is kept where it still holds; "Data Protection Act, revised 1988" is
read as UK GDPR and the Data Protection Act 2018, "LA / LSCB" as the local authority
designated officer (LADO) and safeguarding partners, and "MSN messages" as messages.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    for_staff: bool
    examples: tuple[str, ...]
    sanctions: tuple[str, ...]
    escalation: tuple[str, ...]
    notifies_headteacher: bool = False


CATEGORIES = (
    Category(
        "pupil_a",
        "Pupil category A",
        False,
        (
            "Use of non-educational sites during lessons",
            "Unauthorised use of email",
            "Unauthorised use of a mobile phone (or other new technology) in lessons, "
            "e.g. to send texts to friends",
            "Use of unauthorised instant messaging or social networking sites",
        ),
        ("Refer to class teacher",),
        ("Senior manager", "Online-safety coordinator"),
    ),
    Category(
        "pupil_b",
        "Pupil category B",
        False,
        (
            "Continued use of non-educational sites during lessons after being warned",
            "Continued unauthorised use of email or a mobile phone after being warned",
            "Continued use of unauthorised instant messaging, chat rooms or social networking",
            "Use of file-sharing software",
            "Trying to buy items online",
            "Accidentally corrupting or destroying others' data without telling a member of staff",
            "Accidentally accessing offensive material and not logging off or telling staff",
        ),
        ("Refer to class teacher, head of department or online-safety coordinator",),
        (
            "Removal of internet access rights for a period",
            "Removal of phone until end of day",
            "Contact with parent or carer",
        ),
    ),
    Category(
        "pupil_c",
        "Pupil category C",
        False,
        (
            "Deliberately corrupting or destroying someone's data, or violating others' privacy",
            "Posting inappropriate messages, videos or images on a social networking site",
            "Sending a message that is harassment or bullying (one-off)",
            "Trying to access offensive or pornographic material (one-off)",
            "Purchasing or ordering items online",
            "Transmission of commercial or advertising material",
        ),
        (
            "Refer to class teacher, online-safety coordinator or headteacher",
            "Removal of internet access rights for a period",
        ),
        (
            "Contact with parents or carers",
            "Removal of equipment",
            "If inappropriate web material was accessed: technical support filters the site",
        ),
    ),
    Category(
        "pupil_d",
        "Pupil category D",
        False,
        (
            "Continued sending of messages that are harassment or bullying after being warned",
            "Deliberately creating, accessing, downloading or sharing material that is "
            "offensive, obscene, defamatory, racist, homophobic or violent",
            "Receiving or sending material that infringes copyright or data protection law "
            "(UK GDPR / Data Protection Act 2018)",
            "Bringing the school's name into disrepute",
        ),
        ("Refer to headteacher", "Contact with parents or carers"),
        (
            "Secure and preserve any evidence",
            "Inform the sender's email or service provider",
            "Ask the relevant service providers to remove the offending material",
            "Report to police / CEOP where child abuse or illegal activity is suspected",
        ),
        notifies_headteacher=True,
    ),
    Category(
        "staff_a",
        "Staff category A (misconduct)",
        True,
        (
            "Excessive personal use of the internet (shopping, personal email, messaging)",
            "Use of personal storage media (e.g. USB sticks) without considering the files",
            "Not following safeguarding procedures",
            "Online behaviour that compromises professional standing",
            "Misuse of first-level data security, e.g. sharing passwords",
            "Breaching copyright or licences, e.g. installing unlicensed software",
        ),
        ("Refer to line manager / headteacher",),
        ("Warning given",),
    ),
    Category(
        "staff_b",
        "Staff category B (gross misconduct)",
        True,
        (
            "Serious misuse of, or deliberate damage to, school computer hardware or software",
            "Any deliberate attempt to breach data protection or computer security rules",
            "Deliberately creating, accessing, downloading or sharing material that is "
            "offensive, obscene, defamatory, racist, homophobic or violent",
            "Receiving or sending material that infringes copyright or data protection law",
            "Bringing the school's name into disrepute",
        ),
        ("Refer to headteacher / trustees",),
        (
            "Remove the computer to a secure place so no one can use it",
            "Audit of all ICT equipment by an outside agency",
            "Identify the precise details of the material (without viewing illegal images)",
            "Report to the LADO, HR and safeguarding partners",
            "Report to police / CEOP where child abuse or illegal activity is suspected",
            "Instant suspension for an exceptionally serious act",
        ),
        notifies_headteacher=True,
    ),
)

BY_CODE = {c.code: c for c in CATEGORIES}
CATEGORY_CHOICES = [(c.code, c.label) for c in CATEGORIES]


def category(code: str) -> Category | None:
    return BY_CODE.get(code)


# What to do, and not do, about suspected illegal material (seed + UKCIS 2024).
ILLEGAL_MATERIAL_STEPS = (
    "Do not open, view, copy, print, forward, share or screenshot the images or videos.",
    "Do not delete anything: preserve the evidence as it is.",
    "Isolate the device: switch off the screen, keep it secure and don't let anyone use it.",
    "Call the police. Report to CEOP (child exploitation) and the IWF (images online).",
    "If a member of staff is involved, tell the headteacher (or, about the headteacher, the "
    "chair of trustees) at once: they suspend the adult on the police's and the LADO's advice, "
    "so the adult is not warned first.",
    "Don't attach any image or video to this report: describe what was seen in words.",
)
