"""The API's addresses: /api/v1/ and what the apps registered, the schema, the pages."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from . import registered_routes, views
from .about_key import KeyView


def urlpatterns_for_api():
    return [
        # The schema is public, as an API's description is: it holds no school's data.
        path(
            "api/v1/schema/",
            SpectacularAPIView.as_view(
                authentication_classes=[], permission_classes=[AllowAny], throttle_classes=[]
            ),
            name="api-schema",
        ),
        path("api/v1/docs/", views.documentation, name="api-docs"),
        path("api/v1/key/", KeyView.as_view(), name="api-key"),
        *(path(f"api/v1/{route}", view, name=name) for route, view, name in registered_routes()),
    ]


def urlpatterns_for_pages(school: str):
    return [
        path(school + "settings/integrations/", views.integrations, name="api-tokens"),
        path(school + "settings/integrations/<int:pk>/revoke/", views.revoke, name="api-revoke"),
        path(school + "settings/integrations/<int:pk>/uses/", views.uses, name="api-uses"),
    ]
