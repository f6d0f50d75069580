"""The training app's API: completions sent by a training platform (an e-learning course
finished), recorded as a person recording their own is (services.record_training), and
waiting, as those do, for the e-safety officer to verify them."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from esafety.api import api_route, api_scope
from esafety.api.base import ApiView, StrictSerializer, answers
from esafety.models import STAFF_ROLES, User
from esafety.services import member_by_reference

from . import services
from .models import Requirement

RECORDS = api_scope(
    "training.records",
    "record training completed on a training platform (the officer verifies it)",
    rule="training.manage",
)


class Completion(StrictSerializer):
    person = serializers.CharField(
        max_length=254, help_text="The member of staff's email address or MIS reference."
    )
    requirement = serializers.SlugField(
        required=False, help_text="The requirement's code, for training the school requires."
    )
    title = serializers.CharField(
        max_length=200, required=False, help_text="What the training was, when not a requirement."
    )
    completed_on = serializers.DateField()
    provider = serializers.CharField(max_length=200, required=False, allow_blank=True)
    hours = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, min_value=0)

    def validate(self, attrs):
        if not attrs.get("requirement") and not attrs.get("title", "").strip():
            raise serializers.ValidationError(
                {"requirement": "Give the requirement's code, or the training's title."}
            )
        return attrs


class Recorded(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    verified = serializers.BooleanField()


def staff_member(school, ref: str) -> User:
    user_id = member_by_reference(school, ref, STAFF_ROLES)
    if user_id is None:
        raise serializers.ValidationError(
            {"person": "No member of staff here has this email or reference."}
        )
    return User.objects.get(pk=user_id)


class TrainingRecords(ApiView):
    required_scope = RECORDS.name

    @extend_schema(
        summary="Record completed training",
        description="As a member of staff recording their own: it counts at once and waits "
        "for the e-safety officer to verify it. Scope: training.records.",
        request=Completion,
        responses=answers({201: OpenApiResponse(Recorded, description="The record made")}),
        extensions={"x-scope": RECORDS.name},
    )
    def post(self, request):
        sent = Completion(data=request.data)
        sent.is_valid(raise_exception=True)
        data, school = sent.validated_data, request.auth.school
        requirement = None
        if code := data.get("requirement"):
            requirement = Requirement.objects.filter(
                school=school, code=code, is_active=True
            ).first()
            if requirement is None:
                raise serializers.ValidationError(
                    {"requirement": "The school has no such requirement."}
                )
        record = services.record_training(
            person=staff_member(school, data["person"]),
            school=school,
            by=request.user,
            requirement=requirement,
            title=data.get("title", ""),
            completed_on=data["completed_on"],
            provider=data.get("provider", ""),
            hours=data.get("hours"),
        )
        answer = {
            "id": record.pk,
            "title": record.title,
            "verified": record.verified_at is not None,
        }
        return Response(answer, status=status.HTTP_201_CREATED)


api_route("training-records/", TrainingRecords.as_view(), "api-training-records")
