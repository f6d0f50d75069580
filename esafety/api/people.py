"""GET /api/v1/people/: the school's people and their roles there, for the tools that
need the roll (device management, the monitoring product's pupil list). Never a date of
birth; only the key's school's roles."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from ..models import Membership, Role, User, in_force_q
from . import api_route, api_scope
from .base import PAGE_PARAMETERS, ApiView, Pages, answers, page_of

PEOPLE = api_scope(
    "people.read",
    "read the school's people and their roles (names, emails, classes, MIS references)",
    rule="esafety.manage_people",
)


class RoleHeld(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    year_group = serializers.IntegerField(allow_null=True)
    class_name = serializers.CharField()
    mis_reference = serializers.CharField(source="external_id")
    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)


class Person(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    email = serializers.EmailField(allow_null=True)
    roles = RoleHeld(many=True, source="roles_here")


PeoplePage = page_of(Person, "PeoplePage")


class PeopleQuery(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    current = serializers.BooleanField(
        required=False, default=True, help_text="Only roles in force today (default)."
    )


class People(ApiView):
    required_scope = PEOPLE.name

    @extend_schema(
        summary="The school's people",
        description="Each person with their roles at the key's school, by name, in pages "
        "(limit, offset). Scope: people.read.",
        parameters=[PeopleQuery, *PAGE_PARAMETERS],
        responses=answers({200: PeoplePage}, refused="A parameter is wrong"),
        extensions={"x-scope": PEOPLE.name},
    )
    def get(self, request):
        query = PeopleQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        school = request.auth.school
        roles = Membership.objects.filter(school=school).order_by("role", "pk")
        if query.validated_data["current"]:
            roles = roles.filter(in_force_q())
        if role := query.validated_data.get("role"):
            roles = roles.filter(role=role)
        people = (
            User.objects.filter(pk__in=roles.values("user_id"))
            .only("pk", "full_name", "email")
            .order_by("full_name", "pk")
            .prefetch_related(Prefetch("memberships", queryset=roles, to_attr="roles_here"))
        )
        pages = Pages()
        page = pages.paginate_queryset(people, request, view=self)
        return pages.get_paginated_response(Person(page, many=True).data)


api_route("people/", People.as_view(), "api-people")
