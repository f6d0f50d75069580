"""Reports from the products a school connects (a safeguarding app, a helpdesk): POST
/api/v1/incidents/ makes a submitted incident "from an integration", routed like one a
member of staff logs. The log form (IncidentForm, PersonInvolvedForm) is the one check of
what is sent, as on the page; the same `reference` sent again is the same report."""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from esafety.api import api_route, api_scope
from esafety.api.base import ApiView, StrictSerializer, answers
from esafety.locks import lock_for_transaction
from esafety.models import STAFF_ROLES, Role
from esafety.services import member_by_reference

from . import services
from .categories import CATEGORY_CHOICES
from .forms import IncidentForm, PersonInvolvedForm
from .models import Answer, Incident, Location, Part, PersonKind, Source, Subject

REPORTS = api_scope(
    "incidents.create",
    "send e-safety incident reports from another product the school uses",
    rule="incidents.log",
)
MOST_PEOPLE = 20  # as on the log form


class PersonIn(StrictSerializer):
    person = serializers.CharField(
        max_length=254,
        required=False,
        allow_blank=True,
        help_text="A pupil's or member of staff's school email address or MIS reference.",
    )
    name = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        help_text="Or their name, for someone not in the school's list.",
    )
    kind = serializers.ChoiceField(
        choices=PersonKind.choices, required=False, help_text="Worked out if a person is given."
    )
    part = serializers.ChoiceField(choices=Part.choices, help_text="Their part.")


class ReportIn(StrictSerializer):
    reference = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="Your own id for the report: the same report sent again with it returns "
        "the first incident and makes no second one; a different report with a used "
        "reference is refused (409).",
    )
    child_at_risk_now = serializers.ChoiceField(
        choices=Answer.choices, help_text="Is a child at risk of harm now?"
    )
    contact_from_older = serializers.ChoiceField(
        choices=Answer.choices, help_text="Has an adult or an older child contacted a child?"
    )
    image_of_child = serializers.ChoiceField(
        choices=Answer.choices, help_text="Is an image or video of a child involved?"
    )
    subject = serializers.ChoiceField(choices=Subject.choices, help_text="Who it is about.")
    occurred_at = serializers.DateTimeField(help_text="When it happened (ISO 8601, with zone).")
    location = serializers.ChoiceField(choices=Location.choices)
    description = serializers.CharField(max_length=10000, help_text="What happened: facts.")
    action_taken = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=CATEGORY_CHOICES, required=False)
    platform = serializers.CharField(max_length=100, required=False, allow_blank=True)
    device_description = serializers.CharField(max_length=100, required=False, allow_blank=True)
    suspected_illegal_material = serializers.BooleanField(required=False, default=False)
    people = PersonIn(many=True, required=False, max_length=MOST_PEOPLE)


class ReportMade(serializers.Serializer):
    id = serializers.IntegerField()
    incident = serializers.CharField(help_text="The incident's number.")
    sent_to_someone = serializers.BooleanField(
        help_text="False only if nobody at the school holds the role it goes to."
    )
    created = serializers.BooleanField(help_text="False when the reference was sent before.")


def _form_data(sent: dict) -> dict:
    """The log form's fields from what was sent (the form reads the local time)."""
    data = {k: v for k, v in sent.items() if k not in {"people", "reference"}}
    data["occurred_at"] = timezone.localtime(sent["occurred_at"]).strftime("%Y-%m-%dT%H:%M")
    if not data.pop("suspected_illegal_material", False):
        data.pop("suspected_illegal_material", None)
    else:
        data["suspected_illegal_material"] = "on"
    return data


def _people(school, sent_people) -> list[dict]:
    """Each person through the log form's person check; names looked up like alerts."""
    entries, problems = [], {}
    for number, sent in enumerate(sent_people):
        data = dict(sent)
        ref = data.pop("person", "")
        if ref:
            data["person"] = member_by_reference(school, ref, [Role.PUPIL, *STAFF_ROLES])
            if data["person"] is None:
                problems[f"people[{number}].person"] = [
                    "Nobody in post at the school has that email address or MIS reference."
                ]
                continue
        form = PersonInvolvedForm(data, school=school)
        if not form.is_valid():
            for field, errors in form.errors.items():
                problems[f"people[{number}].{field}"] = errors
        elif form.has_person():
            entries.append(form.as_entry())
    if problems:
        raise serializers.ValidationError(problems)
    return entries


class ReferenceReused(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "reference_reused"


def _digest(sent: dict) -> str:
    return hashlib.sha256(json.dumps(sent, sort_keys=True, default=str).encode()).hexdigest()


def _earlier(school, reference: str, digest: str) -> Incident | None:
    """The incident this key already made under `reference`; ReferenceReused if it was
    made from a different report (a retry is answered, a different report never lost)."""
    earlier = Incident.objects.filter(school=school, source_reference=reference).first()
    if earlier is not None and earlier.source_digest != digest:
        raise ReferenceReused(
            f"This reference was used for a different report (incident {earlier.number}). "
            "Send a new reference for a new report."
        )
    return earlier


def report(*, school, by, token, sent: dict) -> tuple[Incident, bool]:
    """Check with the log form and submit, once per key and reference (a lock, then the
    unique constraint): (the incident, whether it was made now)."""
    form = IncidentForm(_form_data(sent), school=school)
    if not form.is_valid():
        raise serializers.ValidationError(form.errors)
    people = _people(school, sent.get("people", []))
    given = sent.get("reference", "").strip()
    reference = f"{token.pk}:{given}" if given else ""
    digest = _digest(sent)
    with transaction.atomic():
        if reference:
            lock_for_transaction(f"incident-reference:{school.pk}:{reference}")
            earlier = _earlier(school, reference, digest)
            if earlier is not None:
                return earlier, False
        incident = form.save(commit=False)
        incident.school, incident.source = school, Source.INTEGRATION
        incident.source_reference, incident.source_digest = reference, digest
        try:
            with transaction.atomic():
                services.submit_incident(incident=incident, by=by, people=people, tags=[])
        except IntegrityError:  # SQLite has no lock: the constraint keeps it one
            earlier = _earlier(school, reference, digest)
            if earlier is None:
                raise
            return earlier, False
    return incident, True


class Reports(ApiView):
    required_scope = REPORTS.name

    @extend_schema(
        summary="Send an incident report",
        description=(
            "Makes a submitted incident on the school's queue, marked as from an "
            "integration, and routed as one a member of staff logs (a concern about an "
            "adult who works here goes to the headteacher, about the headteacher to the "
            "chair). The same checks as the log form. Scope: incidents.create."
        ),
        request=ReportIn,
        responses=answers(
            {
                201: OpenApiResponse(ReportMade, description="The incident was made"),
                200: OpenApiResponse(ReportMade, description="The reference was sent before"),
                409: OpenApiResponse(
                    description="The reference was used for a different report by this key"
                ),
            }
        ),
        extensions={"x-scope": REPORTS.name},
    )
    def post(self, request):
        sent = ReportIn(data=request.data)
        sent.is_valid(raise_exception=True)
        try:
            incident, created = report(
                school=request.auth.school,
                by=request.user,
                token=request.auth,
                sent=sent.validated_data,
            )
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        answer = {
            "id": incident.pk,
            "incident": incident.number,
            "sent_to_someone": incident.routed_to_id is not None,
            "created": created,
        }
        return Response(answer, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


api_route("incidents/", Reports.as_view(), "api-incidents")
