"""GET /api/v1/key/: which school a key is for and what it may do, so an integration can
check its settings ("test connection") without sending anything."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from .base import ApiView


class AboutKey(serializers.Serializer):
    name = serializers.CharField(help_text="What the school made the key for.")
    school = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())


class KeyView(ApiView):
    required_scope = None  # any working key may ask about itself

    @extend_schema(summary="Check a key", responses={200: AboutKey})
    def get(self, request):
        token = request.auth
        return Response({"name": token.name, "school": token.school.name, "scopes": token.scopes})
