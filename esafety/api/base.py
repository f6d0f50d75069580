"""What every API view shares: its use logged against its key, and a service's refusal
answered as a 400. Apart from auth.py, which DRF's settings import (APIView reads them)."""

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.views import APIView, exception_handler

from ..models import ApiToken, ApiUse

LAST_USED_EVERY = datetime.timedelta(minutes=1)  # last_used_at is written at most this often


class ApiView(APIView):
    """Every API view: its use is logged against its key (who, when, what, the status)."""

    required_scope = ""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        token = getattr(request._request, "api_token", None)
        if token is not None:
            log_use(token, request._request, response.status_code)
        return response


def log_use(token: ApiToken, request, status: int) -> None:
    now = timezone.now()
    ApiUse.objects.create(
        token=token, at=now, method=request.method, path=request.path[:300], status=status
    )
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def handle_exception(error, context):
    """DRF's answers, and a service's refusal (Django's ValidationError) as a 400 that says
    why, never a 500."""
    if isinstance(error, DjangoValidationError):
        detail = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        error = exceptions.ValidationError(detail)
    return exception_handler(error, context)


class StrictSerializer(serializers.Serializer):
    """What an integration sends: a field we do not know is refused by name (a typo must
    not drop a value silently), and the schema says so (no additional properties). A
    field in `refused` gets its own reason (an alert's image: never accepted)."""

    refused: dict[str, str] = {}

    def to_internal_value(self, data):
        if isinstance(data, dict):
            named = {name: self.refused[name] for name in data if name in self.refused}
            unknown = {
                name: "Not a field of this request."
                for name in data
                if name not in self.fields and name not in self.refused
            }
            if named or unknown:
                raise serializers.ValidationError({**named, **unknown})
        return super().to_internal_value(data)


def no_additional_properties(result, generator, request, public):
    """drf-spectacular hook: every request body is a StrictSerializer's."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    return result


class Pages(LimitOffsetPagination):
    """`limit` and `offset`: at most `max_limit` a page (more is taken as that many); an
    offset past any real list is refused with a 400, never passed to the database (which
    refuses a number that large with an error)."""

    max_limit = 500
    max_offset = 10_000_000

    def get_offset(self, request):
        offset = super().get_offset(request)
        if offset > self.max_offset:
            raise exceptions.ValidationError({"offset": f"At most {self.max_offset:,}."})
        return offset


# --- what every operation's description shares (drf-spectacular) -----------------------

PAGE_PARAMETERS = [
    OpenApiParameter("limit", int, description="How many a page (100; at most 500)."),
    OpenApiParameter("offset", int, description="Where the page starts."),
]


def page_of(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """The schema of a page of `item`s, as Pages answers it."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(help_text="How many in all."),
            "next": serializers.URLField(allow_null=True, help_text="The next page, if any."),
            "previous": serializers.URLField(allow_null=True, help_text="The one before."),
            "results": item(many=True),
        },
    )


def answers(ok: dict, *, refused: str = "What is wrong with each field") -> dict:
    """An operation's answers: its own (`ok`, by status) and those every operation may give."""
    return {
        **ok,
        400: OpenApiResponse(description=refused),
        401: OpenApiResponse(description="No key, or a revoked one"),
        403: OpenApiResponse(description="The key lacks the scope"),
        429: OpenApiResponse(description="Too many requests this minute"),
    }
