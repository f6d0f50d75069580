"""GET /api/v1/key/: which school a key is for and what it may do, so an integration can
check its settings ("test connection") without sending anything."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from .base import ApiView


class AboutKey(serializers.Serializer):
    name = serializers.CharField(help_text="What the school made the key for.")
    school = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())


class KeyView(ApiView):
    required_scope = None  # any working key may ask about itself

    @extend_schema(
        summary="Check a key",
        description="Which school the key is for and what it may do. Any working key.",
        responses={200: AboutKey, 401: OpenApiResponse(description="No key, or a revoked one")},
    )
    def get(self, request):
        token = request.auth
        return Response({"name": token.name, "school": token.school.name, "scopes": token.scopes})
