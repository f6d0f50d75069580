"""The incidents app's API: a monitoring product's alerts (incidents/monitoring.py)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from esafety.api import api_route, api_scope
from esafety.api.base import ApiView, StrictSerializer, answers
from esafety.validators import check_not_future

from .models_monitoring import Severity
from .monitoring import receive_alert

ALERTS = api_scope(
    "monitoring.alerts",
    "send alerts from the school's web filtering and monitoring to the e-safety officer",
    rule="incidents.use_log",
)
IMAGE_FIELDS = {"image", "images", "screenshot", "screenshots", "attachment", "attachments"}


class AlertSerializer(StrictSerializer):
    refused = {
        name: "Images are not accepted: send a description in words." for name in IMAGE_FIELDS
    }

    pupil = serializers.CharField(
        max_length=254,
        help_text="The pupil's school email address or MIS reference (UPN or MIS id).",
    )
    occurred_at = serializers.DateTimeField(help_text="When it happened (ISO 8601, with zone).")
    device = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="The device's name or tag."
    )
    category = serializers.CharField(
        max_length=100, help_text="The product's category, for example: self-harm, bullying."
    )
    keywords = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text="The words that matched."
    )
    severity = serializers.ChoiceField(choices=Severity.choices, help_text="How serious.")
    description = serializers.CharField(
        max_length=2000, help_text="A short description in words. Never an image."
    )

    def validate(self, attrs):
        check_not_future(attrs["occurred_at"], "occurred_at")
        return attrs


class AlertReceived(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=["raised", "folded", "held"],
        help_text="raised: a new incident; folded: added to the pupil's open incident from an "
        "earlier alert; held: the pupil was not found, the officer will match it",
    )
    incident = serializers.CharField(allow_null=True, help_text="The incident's number.")
    alerts_in_incident = serializers.IntegerField(allow_null=True)


class MonitoringAlerts(ApiView):
    required_scope = ALERTS.name

    @extend_schema(
        summary="Send a monitoring alert",
        description=(
            'Raises an incident "from monitoring" on the e-safety officer\'s queue, or adds '
            "the alert to the pupil's open incident when the same category came within the "
            "last hour. An alert about a pupil who is not found is kept for the officer to "
            "match. Scope: monitoring.alerts."
        ),
        request=AlertSerializer,
        responses=answers({201: OpenApiResponse(AlertReceived, description="The alert was taken")}),
        extensions={"x-scope": ALERTS.name},
    )
    def post(self, request):
        sent = AlertSerializer(data=request.data)
        sent.is_valid(raise_exception=True)
        fields = dict(sent.validated_data)
        fields["pupil_ref"] = fields.pop("pupil")
        token = request.auth
        received = receive_alert(token=token, school=token.school, by=request.user, **fields)
        alert, incident = received.alert, received.alert.incident
        answer = {
            "id": alert.pk,
            "status": "held" if incident is None else ("folded" if received.folded else "raised"),
            "incident": incident.number if incident else None,
            "alerts_in_incident": incident.alerts.count() if incident else None,
        }
        return Response(answer, status=status.HTTP_201_CREATED)


api_route("monitoring-alerts/", MonitoringAlerts.as_view(), "api-monitoring-alerts")
