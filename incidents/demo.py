"""Demo incidents for `manage.py seed_demo`: fictional, and only when a school has none."""

import datetime

from django.utils import timezone

from esafety.models import Role, User

from . import services
from .models import Answer, Incident, IncidentTag, Location, Part, PersonKind, Subject

NO = {"child_at_risk_now": Answer.NO, "contact_from_older": Answer.NO, "image_of_child": Answer.NO}


def _pupil(school, index=0):
    return User.objects.filter(memberships__school=school, memberships__role=Role.PUPIL).order_by(
        "pk"
    )[index]


def _log(school, email, subject, description, *, category="", tag="", pupil_part=None, **extra):
    reporter = User.objects.get(email=email)
    incident = Incident(
        school=school,
        reported_by=reporter,
        subject=subject,
        description=description,
        location=Location.ONLINE,
        category=category,
        risk_area=extra.pop("risk_area", "conduct"),
        occurred_at=timezone.now() - datetime.timedelta(hours=3),
        **{**NO, **extra},
    )
    people = []
    if pupil_part:
        people.append(
            {"person": _pupil(school), "name": "", "kind": PersonKind.PUPIL, "part": pupil_part}
        )
    tags = IncidentTag.objects.filter(slug=tag) if tag else []
    return services.submit_incident(incident=incident, by=reporter, people=people, tags=tags)


def seed(schools):
    brookfield, hillside = schools["brookfield"], schools["hillside"]
    if not brookfield.incidents.exists():
        head = User.objects.get(email="head@brookfield.example")
        first = _log(
            brookfield,
            "teacher@brookfield.example",
            Subject.PUPIL,
            "During a lesson a pupil showed classmates a video game clip with violent content "
            "on a personal phone.",
            category="pupil_c",
            tag="harmful-content",
            pupil_part=Part.ALLEGED,
            risk_area="content",
        )
        services.acknowledge(incident=first, by=head)
        services.add_timeline_entry(
            incident=first,
            by=head,
            text="Speak to the class about age ratings",
            owner=User.objects.get(email="teacher@brookfield.example"),
            due_on=timezone.localdate() + datetime.timedelta(days=3),
        )
        _log(
            brookfield,
            "ta@brookfield.example",
            Subject.PUPIL,
            "A pupil said an older child they met in an online game asked for their address.",
            category="pupil_d",
            tag="grooming",
            pupil_part=Part.TARGET,
            risk_area="contact",
            contact_from_older=Answer.YES,
        )
        # Urgent on the teacher's answers alone: no category, risk area or kind chosen yet.
        _log(
            brookfield,
            "teacher@brookfield.example",
            Subject.PUPIL,
            "A Year 4 pupil (9) said an older boy on a game's chat asked her to move to a "
            "private messaging app and send him a photo of herself. She has not sent one.",
            pupil_part=Part.TARGET,
            risk_area="",
            contact_from_older=Answer.YES,
            image_of_child=Answer.YES,
            child_at_risk_now=Answer.NOT_SURE,
        )
    if not hillside.incidents.exists():
        _log(
            hillside,
            "teacher@hillside.example",
            Subject.PUPIL,
            "Unkind comments about a pupil were posted in a class group chat.",
            category="pupil_c",
            tag="bullying",
            pupil_part=Part.TARGET,
        )
        _log(
            hillside,
            "teacher@hillside.example",
            Subject.PUPIL,
            "A pupil said someone they met online says he will wait for them by the gate "
            "after school today. The pupil is in class and has been told to stay inside.",
            pupil_part=Part.TARGET,
            risk_area="contact",
            child_at_risk_now=Answer.YES,
            contact_from_older=Answer.YES,
        )
        _log(
            hillside,
            "volunteer@hillside.example",
            Subject.STAFF,
            "A member of staff appeared to be using a personal USB stick with pupil data.",
            category="staff_a",
            tag="data-breach",
            risk_area="conduct",
        )
        _log(
            hillside,
            "esafety@hillside.example",
            Subject.HEADTEACHER,
            "A concern was raised about the headteacher's use of a personal social media "
            "account to contact a pupil.",
            category="staff_b",
            risk_area="contact",
            contact_from_older=Answer.YES,
        )
    _monitoring(hillside)
    _transfer(brookfield, hillside)
    _cover(hillside)


def _cover(school):
    """Hillside's safeguarding cover: Tom Hughes is the designated lead, Ruth Okafor (a
    teacher, no demo login) his deputy; he is away on the Year 6 residential next week.
    After the demo incidents, which were sent to him."""
    from esafety.models import StaffType
    from esafety.services import add_membership, create_person

    from .cover import name_lead, record_absence
    from .models_cover import DesignatedLead

    if DesignatedLead.objects.filter(school=school).exists():
        return
    lead = User.objects.get(email="esafety@hillside.example")
    started = datetime.date(2025, 9, 1)
    deputy = create_person(
        school=school,
        full_name="Ruth Okafor",
        email=None,
        role=Role.STAFF,
        staff_type=StaffType.TEACHER,
        started_on=started,
    ).user
    add_membership(user=deputy, school=school, role=Role.ESAFETY_OFFICER, started_on=started)
    name_lead(school=school, lead=lead, by=User.objects.get(email="head@hillside.example"))
    today = timezone.localdate()
    monday = today + datetime.timedelta(days=7 - today.weekday())
    record_absence(
        school=school,
        person=lead,
        away_from=monday,
        away_to=monday + datetime.timedelta(days=2),
        note="Year 6 residential trip",
        by=lead,
    )


def _transfer(school, destination):
    """A pupil with something on file who has just moved to another school of the trust:
    the officer's file to send, due after this year's Christmas holiday (recorded)."""
    from esafety.models import SchoolHoliday

    from .models_transfers import FileTransfer
    from .transfers import open_transfer

    if FileTransfer.objects.filter(school=school).exists():
        return
    today = timezone.localdate()
    christmas = datetime.date(today.year if today.month >= 9 else today.year - 1, 12, 21)
    SchoolHoliday.objects.get_or_create(
        school=school,
        name="Christmas holiday",
        defaults={"starts_on": christmas, "ends_on": christmas + datetime.timedelta(days=12)},
    )
    open_transfer(
        school=school,
        pupil=_pupil(school),
        last_day=today - datetime.timedelta(days=1),
        destination=destination.name,
    )


def _monitoring(school):
    """The school's web monitoring, connected by IT support: an alert about a pupil (and a
    repeat, folded in) and one about a pupil it could not find, held for the officer."""
    from esafety.api.tokens import make_token

    from .models import MonitoringAlert
    from .monitoring import receive_alert

    if MonitoringAlert.objects.filter(school=school).exists():
        return
    technician = User.objects.get(email="technician@riverside.example")
    token, _ = make_token(
        school=school, name="Demo web monitoring", scopes=["monitoring.alerts"], by=technician
    )
    pupil = _pupil(school)
    now = timezone.now()
    alert = {
        "occurred_at": now - datetime.timedelta(hours=2),
        "device": "HS-LAPTOP-14",
        "category": "Cyberbullying",
        "keywords": "nobody likes you",
        "severity": "high",
        "description": "A message typed in a class chat calling another pupil names.",
    }
    refs = [pupil.email or pupil.memberships.get(school=school).external_id or "", ""]
    if refs[0]:
        receive_alert(token=token, school=school, by=technician, pupil_ref=refs[0], **alert)
        again = {**alert, "occurred_at": now - datetime.timedelta(hours=1)}
        receive_alert(token=token, school=school, by=technician, pupil_ref=refs[0], **again)
    receive_alert(
        token=token,
        school=school,
        by=technician,
        pupil_ref="j.smith@pupils.hillside.example",
        **{
            **alert,
            "category": "Self-harm",
            "keywords": "",
            "severity": "critical",
            "description": "A search for self-harm methods was blocked.",
        },
    )
