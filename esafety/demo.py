"""The core's demo records (seed_demo calls each app's `demo.seed`): an open subject
access request from a parent in each demo school; a legal hold and a past destruction
batch in the retention register; the trust's local contacts (one fictional council's
LADO, front door and Prevent lead) and one school's own entry."""

from .contacts import add_contact, start_from_standard_set
from .models import TrusteeMembership
from .models_contacts import ContactKind
from .retention.demo import seed as seed_retention
from .subject_access.demo import seed as seed_subject_access

# Fictional: Eastbridge is no council, .example no domain, and Ofcom keeps 01632 960xxx
# numbers for drama.
DEMO_TRUST_CONTACTS = {
    ContactKind.LADO: {
        "name": "Eastbridge Council LADO service",
        "phone": "01632 960410",
        "email": "lado@eastbridge.example",
        "hours": "Monday to Friday, 9am to 5pm; out of hours, the emergency duty team on "
        "01632 960499",
    },
    ContactKind.MASH: {
        "name": "Eastbridge Children's Services front door (MASH)",
        "phone": "01632 960420",
        "website": "https://www.eastbridge.example/report-a-concern",
        "hours": "Monday to Friday, 8:30am to 5pm; out of hours, the emergency duty team "
        "on 01632 960499",
    },
    ContactKind.PREVENT: {
        "name": "Eastbridge Council Prevent lead",
        "phone": "01632 960430",
        "email": "prevent@eastbridge.example",
    },
    ContactKind.SAFEGUARDING_PARTNERS: {
        "name": "Eastbridge Safeguarding Children Partnership",
        "website": "https://www.eastbridge.example/safeguarding-partnership",
    },
}
DEMO_SCHOOL_CONTACT = {
    "kind": ContactKind.OTHER,
    "name": "PC Sam Okafor, schools police officer",
    "phone": "01632 960455",
    "notes": "Visits on Wednesdays; ask him about online safety assemblies.",
    "order": 65,
}


def seed(schools) -> None:
    seed_subject_access(schools)
    seed_retention(schools)
    seed_contacts(schools)


def seed_contacts(schools) -> None:
    """Safe to run again: the standard set leaves a kind already entered as it is."""
    hillside = schools["hillside"]
    chair = (
        TrusteeMembership.objects.filter(trust=hillside.trust, is_chair=True)
        .select_related("user")
        .first()
    )
    by = chair.user if chair else None
    start_from_standard_set(by=by, trust=hillside.trust, details=DEMO_TRUST_CONTACTS)
    if not hillside.local_contacts.exists():
        add_contact(by=by, school=hillside, **DEMO_SCHOOL_CONTACT)
