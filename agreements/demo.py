"""Demo agreements for `manage.py seed_demo`: the standard documents published in each
school, some signed and some not, so every register has something to show.
Only when a school has no documents yet (safe to run again)."""

from esafety.models import Role, TrusteeMembership, User

from . import services
from .models import Channel, Document, Kind, SignRequest
from .signing import record_in_class
from .starter import install_standard_documents

HEADTEACHERS = {"brookfield": "head@brookfield.example", "hillside": "head@hillside.example"}


def seed(schools):
    for slug, school in schools.items():
        if Document.objects.filter(school=school).exists():
            continue
        head = User.objects.get(email=HEADTEACHERS[slug])
        chair = TrusteeMembership.objects.filter(trust=school.trust_id, is_chair=True).first().user
        documents = install_standard_documents(school, by=head)
        for document in documents:
            version = document.versions.get()
            services.head_sign_off(version=version, by=head)
            services.trustees_approve(version=version, by=chair)
            services.publish(version=version, by=head)
        _sign_some(school)


def _sign_some(school):
    """About two thirds of each audience signs, so registers show both sides. The demo
    parent, teacher and pupil logins are left with things to sign."""
    requests = list(
        SignRequest.objects.filter(document__school=school, completed_at__isnull=True)
        .select_related("document", "version", "person", "subject")
        .order_by("pk")
    )
    signed_subjects = set()
    teacher = _class_teacher(school)
    for index, request in enumerate(requests):
        key = (request.document_id, request.subject_id)
        if index % 3 == 2 or key in signed_subjects or _keep_for_demo_login(request):
            continue
        signed_subjects.add(key)
        if request.document.kind == Kind.PUPIL_KS1 and teacher:
            record_in_class(version=request.version, pupils=[request.subject], teacher=teacher)
            continue
        services.sign(
            version=request.version,
            signer=request.person,
            subject=request.subject,
            typed_name=request.person.full_name,
            consents=_consents(index) if request.document.asks_consent else None,
            user_agent="Demo data",
        )


def _keep_for_demo_login(request):
    return (request.person.email or "").startswith(("parent@", "teacher@", "pupil@"))


def _consents(index):
    """A mix of answers: everyone allows internet use, photo choices differ by family."""
    answers = {channel: index % 2 == 0 for channel in Channel.values}
    answers[Channel.INTERNET] = True
    answers[Channel.NEWSPAPER] = index % 4 == 0
    return answers


def _class_teacher(school):
    return User.objects.filter(
        memberships__school=school, memberships__role=Role.STAFF, email__startswith="teacher@"
    ).first()
