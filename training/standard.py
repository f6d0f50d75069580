"""The standard requirements every school starts with, from the duties that apply now.
A school edits them afterwards (how often, who, what counts as evidence)."""

from django.db import transaction

from esafety.services import attributed

from .models import ALL_STAFF, TRUSTEE, Evidence, Requirement

LEADS = ["headteacher", "esafety_officer"]

STANDARD = [
    {
        "code": "staff-safeguarding",
        "title": "Safeguarding and online safety (all staff)",
        "covers": "KCSIE: safeguarding and child protection including online safety and each "
        "person's part in filtering and monitoring. At induction, then updated at least "
        "once a year.",
        "audience_roles": ALL_STAFF,
        "induction_days": 30,
        "renew_months": 12,
    },
    {
        "code": "dsl-training",
        "title": "Designated safeguarding lead training",
        "covers": "KCSIE: the DSL's training, renewed at least every two years.",
        "audience_roles": ["esafety_officer"],
        "induction_days": 90,
        "renew_months": 24,
        "evidence": Evidence.CERTIFICATE,
        "escalate": True,
    },
    {
        "code": "dsl-refresh",
        "title": "DSL yearly refresh",
        "covers": "KCSIE: the DSL updates their knowledge and skills at least once a year "
        "(bulletins, briefings, network meetings).",
        "audience_roles": ["esafety_officer"],
        "renew_months": 12,
        "escalate": True,
    },
    {
        "code": "filtering-monitoring",
        "title": "Filtering and monitoring for leaders",
        "covers": "DfE filtering and monitoring standards: what the school's systems block "
        "and flag, the yearly review, and who acts on alerts.",
        "audience_roles": LEADS,
        "induction_days": 90,
        "renew_months": 12,
        "escalate": True,
    },
    {
        "code": "cyber-security",
        "title": "Cyber security awareness",
        "covers": "DfE cyber security standards: basic cyber security training every year for "
        "everyone with an account (phishing, passwords, reporting).",
        "audience_roles": [*ALL_STAFF, TRUSTEE],
        "induction_days": 30,
        "renew_months": 12,
    },
    {
        "code": "trustee-safeguarding",
        "title": "Safeguarding and online safety (trustees)",
        "covers": "KCSIE: trustees' training at induction, then regularly updated. The trust "
        "sets how often (change 'renew every').",
        "audience_roles": [TRUSTEE],
        "induction_days": 90,
        "renew_months": 36,
        "escalate": True,
    },
    {
        "code": "technician",
        "title": "Technician: filtering, monitoring and security",
        "covers": "Configuring filtering and monitoring, patching, backups and reporting "
        "concerns to the DSL.",
        "audience_roles": ["technician"],
        "induction_days": 60,
        "renew_months": 12,
    },
    {
        "code": "prevent",
        "title": "Prevent awareness",
        "covers": "The Prevent duty: recognising radicalisation, including online, and what to do.",
        "audience_roles": ALL_STAFF,
        "induction_days": 60,
        "renew_months": 36,
    },
]


@transaction.atomic
def install_standard_requirements(school, *, by) -> list[Requirement]:
    """Add the standard requirements the school does not have yet (safe to run again)."""
    have = set(Requirement.objects.filter(school=school).values_list("code", flat=True))
    added = []
    for entry in STANDARD:
        if entry["code"] in have:
            continue
        requirement = Requirement(school=school, **entry)
        attributed(requirement, by, "Standard set installed").save()
        added.append(requirement)
    return added
