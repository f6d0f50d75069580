"""The standard set of documents a school starts from, with starter text to edit.

The texts follow the school policy the product is built from, updated where current
guidance differs (passwords: length, not forced changes). Each school edits them, gets the
headteacher's sign-off and the trustees' approval, then publishes.
"""

from django.db import transaction

from esafety.models import Role, StaffType
from esafety.services import attributed

from . import services
from .models import Document, Kind

POLICY_TEXT = """\
# Online safety (e-safety) policy

## Why we have this policy

We use technology and the internet across the whole curriculum. This policy makes sure
everyone in our school community knows how to stay safe online, and that risks are
identified, assessed and reduced. It is reviewed every year, or sooner after an incident.

## Who it applies to

Pupils, all staff, trustees, volunteers, parents and visitors, whenever they use the
school's technology or take part in school activity on or off the site.

## Reporting a concern

- Any member of staff who sees or hears of an online-safety concern logs it the same day.
- The e-safety officer (our designated lead) decides what happens next and records it.
- Concerns about the headteacher go to the chair of trustees.

## Internet use

Use of the internet in school is a privilege, not a right. Staff get access after signing
this policy and the staff acceptable use policy; pupils after their agreement is signed.

## Photographs and video

We never publish a pupil's full name with their photograph: we use a first name OR a
photograph, never both, and no names in image file names. A consent form that is not
returned is never taken as a yes.

## Passwords

Use a long password (at least 12 characters, a short phrase is best). You do not need to
change it on a schedule; change it at once if you think someone else knows it.
"""

STAFF_AUP_TEXT = """\
# Staff acceptable use policy

- I will use the school's systems, email and devices for school work.
- I will keep my password to myself and lock my screen when I leave my device.
- I will not take or keep photographs of pupils on a personal phone or device.
- I will report any online-safety concern about a pupil or a colleague the same day.
- I will only contact pupils and parents through the school's own systems.
- I understand that use of school systems may be monitored.
"""

PUPIL_KS1_TEXT = """\
# Our SMART rules

- **S**afe: I keep my name, address and school to myself online.
- **M**eet: I never meet someone I only know online.
- **A**ccept: I only open messages from people I know.
- **R**eliable: not everything online is true.
- **T**ell: I tell a grown-up if something online worries me.
"""

PUPIL_KS2_TEXT = """\
# Being safe and kind online

- I will only use the internet when a teacher says I can.
- I will keep my passwords secret and never use someone else's.
- I will be kind in everything I write or share.
- I will not share photos of other people without asking them.
- If I see something that upsets me, I will tell an adult straight away.
"""

PUPIL_SECONDARY_TEXT = """\
# Pupil acceptable use agreement

- I will use school devices and the network for learning.
- I will keep my login private and will not try to get round the school's filtering.
- I will not record, photograph or share anyone without their permission.
- Mobile phones stay switched off and out of sight in lessons unless a teacher asks.
- I will report anything online that worries me, about me or someone else.
- I understand that my use of school systems may be monitored.
"""

PARENT_TEXT = """\
# Parent agreement and consent

I have read the pupil agreement with my child and will support the school in keeping
them safe online.

Please answer each question below yes or no. Nothing is assumed from a form that is not
returned, and you can change your answers at any time.
"""

SHORT_AUP_TEXT = """\
# Acceptable use policy

- I will only use the school's systems and devices for the work I am here to do.
- I will not take photographs of pupils.
- I will report any online-safety concern to the e-safety officer the same day.
"""

# kind, title, text and the document's settings
STANDARD = [
    (
        Kind.POLICY,
        "E-safety policy",
        POLICY_TEXT,
        {"audience_roles": [Role.HEADTEACHER, Role.ESAFETY_OFFICER, Role.TECHNICIAN, Role.STAFF]},
    ),
    (
        Kind.STAFF_AUP,
        "Staff acceptable use policy",
        STAFF_AUP_TEXT,
        {
            "audience_roles": [Role.HEADTEACHER, Role.ESAFETY_OFFICER, Role.TECHNICIAN, Role.STAFF],
            "audience_staff_types": [
                StaffType.TEACHER,
                StaffType.TEACHING_ASSISTANT,
                StaffType.OFFICE,
            ],
            "renew_every_year": True,
            "grants_internet_access": True,
        },
    ),
    (
        Kind.PUPIL_KS1,
        "Pupil agreement: our SMART rules (KS1)",
        PUPIL_KS1_TEXT,
        {
            "audience_roles": [Role.PUPIL],
            "audience_key_stages": ["EYFS", "KS1"],
            "renew_every_year": True,
            "grants_internet_access": True,
        },
    ),
    (
        Kind.PUPIL_KS2,
        "Pupil agreement: being safe and kind online (KS2)",
        PUPIL_KS2_TEXT,
        {
            "audience_roles": [Role.PUPIL],
            "audience_key_stages": ["KS2"],
            "renew_every_year": True,
            "grants_internet_access": True,
        },
    ),
    (
        Kind.PUPIL_SECONDARY,
        "Pupil acceptable use agreement (secondary)",
        PUPIL_SECONDARY_TEXT,
        {
            "audience_roles": [Role.PUPIL],
            "audience_key_stages": ["KS3", "KS4", "KS5"],
            "renew_every_year": True,
            "grants_internet_access": True,
        },
    ),
    (
        Kind.PARENT,
        "Parent agreement and consent",
        PARENT_TEXT,
        {
            "audience_roles": [Role.PARENT],
            "parents_sign_for_each_child": True,
            "renew_every_year": True,
            "asks_consent": True,
        },
    ),
    (
        Kind.TRUSTEE_AUP,
        "Trustee acceptable use policy",
        SHORT_AUP_TEXT,
        {"audience_roles": ["trustee"]},
    ),
    (
        Kind.VOLUNTEER_AUP,
        "Volunteer acceptable use policy",
        SHORT_AUP_TEXT,
        {
            "audience_roles": [Role.STAFF],
            "audience_staff_types": [StaffType.VOLUNTEER, StaffType.CONTRACTOR],
            "grants_internet_access": True,
        },
    ),
]


@transaction.atomic
def install_standard_documents(school, *, by) -> list[Document]:
    """Create any standard document the school does not have yet, each with a draft
    version of the starter text. Returns the documents created (none on a second run)."""
    have = set(Document.objects.filter(school=school).values_list("kind", flat=True))
    created = []
    for kind, title, text, settings in STANDARD:
        if kind in have:
            continue
        document = Document(school=school, kind=kind, title=title, **settings)
        attributed(document, by).save()
        services.new_version(document=document, by=by, text=text, change_summary="Starter text.")
        created.append(document)
    return created
