"""GET /api/v1/figures/: the key's school's figures as the governance dashboard shows them
(counts and rates, never names), as rows like the dashboard's CSV, for a trust's own tools."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from esafety.api import api_route, api_scope
from esafety.api.base import ApiView, answers

from .rows import board_for, board_rows
from .terms import PERIOD_CHOICES

FIGURES = api_scope(
    "figures.read",
    "read the school's figures as the governance dashboard shows them (counts, no names)",
    rule="governance.view_school",
)


class FigureRow(serializers.Serializer):
    figure = serializers.CharField(help_text="The headline, chart or table it belongs to.")
    item = serializers.CharField()
    series = serializers.CharField()
    value = serializers.JSONField(help_text="A number, or words such as 'fewer than 5'.")
    detail = serializers.CharField()


class Figures(serializers.Serializer):
    school = serializers.CharField()
    period = serializers.CharField()
    rows = FigureRow(many=True)


class FiguresQuery(serializers.Serializer):
    period = serializers.ChoiceField(
        choices=[key for key, _ in PERIOD_CHOICES if key != "custom"],
        required=False,
        help_text="Default: this term.",
    )


class SchoolFigures(ApiView):
    required_scope = FIGURES.name

    @extend_schema(
        summary="The school's figures",
        description="The governance dashboard's figures for the key's school, one row each. "
        "Scope: figures.read.",
        parameters=[FiguresQuery],
        responses=answers({200: Figures}, refused="A parameter is wrong"),
        extensions={"x-scope": FIGURES.name},
    )
    def get(self, request):
        FiguresQuery(data=request.query_params).is_valid(raise_exception=True)
        school = request.auth.school
        board, period = board_for(
            request.user, request.query_params, trust=school.trust, school=school, schools=[school]
        )
        names = ("figure", "item", "series", "value", "detail")
        rows = [dict(zip(names, row, strict=True)) for row in board_rows(board)]
        return Response({"school": school.name, "period": period.label, "rows": rows})


api_route("figures/", SchoolFigures.as_view(), "api-figures")
