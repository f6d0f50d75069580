"""The devices app's API, for IT support's management tools: the inventory read in pages,
a device added, or changed by its asset tag. The device form is the one check of what is
sent (the same as the pages), then services.save_device (with its history)."""

from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from esafety.api import api_route, api_scope
from esafety.api.base import (
    PAGE_PARAMETERS,
    ApiView,
    Pages,
    StrictSerializer,
    answers,
    page_of,
)

from . import services
from .forms import DeviceForm
from .models import Device, Kind, Status

INVENTORY = api_scope(
    "devices.inventory",
    "read and update the device inventory (for device management tools)",
    rule="devices.manage",
)
FIELDS = DeviceForm.Meta.fields


class DeviceOut(serializers.ModelSerializer):
    class Meta:
        model = Device
        fields = ["id", *FIELDS]


class DeviceIn(StrictSerializer, serializers.ModelSerializer):
    """What may be sent: the device form's fields (a change sends only those it changes)."""

    class Meta:
        model = Device
        fields = FIELDS
        # The form is the check; this only describes and types what is sent.
        extra_kwargs = {name: {"required": False, "validators": []} for name in FIELDS}
        validators = []


DevicePage = page_of(DeviceOut, "DevicePage")


class InventoryQuery(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)


def _saved(request, device, sent) -> Device:
    """Check `sent` with the device form (over the device's current values) and save."""
    DeviceIn(data=sent, partial=True).is_valid(raise_exception=True)  # types, unknown fields
    school = request.auth.school
    current = {k: v for k, v in model_to_dict(device, fields=FIELDS).items() if v is not None}
    form = DeviceForm({**current, **sent}, instance=device, school=school)
    if not form.is_valid():
        raise serializers.ValidationError(form.errors.get_json_data())
    reason = f"Through the API ({request.auth.name})"
    return services.save_device(device=form.save(commit=False), by=request.user, reason=reason)


class Inventory(ApiView):
    required_scope = INVENTORY.name

    @extend_schema(
        summary="The device inventory",
        description="The school's devices by asset tag, in pages. Scope: devices.inventory.",
        parameters=[InventoryQuery, *PAGE_PARAMETERS],
        responses=answers({200: DevicePage}, refused="A parameter is wrong"),
        extensions={"x-scope": INVENTORY.name},
    )
    def get(self, request):
        query = InventoryQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        devices = Device.objects.filter(school=request.auth.school, **query.validated_data)
        pages = Pages()
        page = pages.paginate_queryset(devices.order_by("asset_tag", "pk"), request, view=self)
        return pages.get_paginated_response(DeviceOut(page, many=True).data)

    @extend_schema(
        summary="Add a device",
        description="Checked as the device form checks it. Scope: devices.inventory.",
        request=DeviceIn,
        responses=answers({201: OpenApiResponse(DeviceOut, description="The device added")}),
        extensions={"x-scope": INVENTORY.name},
    )
    def post(self, request):
        if not isinstance(request.data, dict):
            raise serializers.ValidationError({"detail": "Send one device as a JSON object."})
        device = _saved(request, Device(school=request.auth.school), request.data)
        return Response(DeviceOut(device).data, status=status.HTTP_201_CREATED)


class OneDevice(ApiView):
    required_scope = INVENTORY.name

    @extend_schema(
        summary="Change a device",
        description="Send only the fields that change. Scope: devices.inventory.",
        request=DeviceIn,
        responses=answers(
            {200: DeviceOut, 404: OpenApiResponse(description="No device with this asset tag")}
        ),
        extensions={"x-scope": INVENTORY.name},
    )
    def patch(self, request, asset_tag):
        device = get_object_or_404(Device, school=request.auth.school, asset_tag=asset_tag)
        if not isinstance(request.data, dict):
            raise serializers.ValidationError({"detail": "Send the changes as a JSON object."})
        return Response(DeviceOut(_saved(request, device, request.data)).data)


api_route("devices/", Inventory.as_view(), "api-devices")
api_route("devices/<str:asset_tag>/", OneDevice.as_view(), "api-device")
