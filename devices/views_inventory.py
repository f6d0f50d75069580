"""Inventory pages: devices, compliance, the weekly check, import/export, settings,
software and disposals. Thin: fetch in scope, check the rule, call a service, render."""

import django_filters
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from esafety.exports import csv_response
from esafety.forms import add_errors
from esafety.pdf import pdf_response, render_pdf
from esafety.roles import require
from esafety.views_people import get_school
from esafety.widgets import style_filter_form

from . import services
from .compliance import non_compliant_q, os_check_days_for, problems
from .forms import (
    CheckForm,
    DeviceForm,
    DisposalForm,
    ImportForm,
    SettingsForm,
    SoftwareForm,
    posted,
    posted_files,
)
from .inventory_import import COLUMNS, import_inventory, template_csv
from .models import Breach, Device, Disposal, Kind, Software, Status

PAGE_SIZE = 50


def get_device(request, pk) -> Device:
    device = get_object_or_404(
        Device.objects.visible_to(request.user).select_related("school"), pk=pk
    )
    require(request.user, "devices.manage", device.school)
    return device


class DeviceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Asset tag, model, serial or person", method="search")
    kind = django_filters.ChoiceFilter(choices=Kind.choices, empty_label="Any type", label="Type")
    status = django_filters.ChoiceFilter(choices=Status.choices, empty_label="Any status")
    location = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Device
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_filter_form(self.form)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(asset_tag__icontains=value)
            | Q(make_model__icontains=value)
            | Q(serial__icontains=value)
            | Q(assigned_to__full_name__icontains=value)
        )


def _with_problems(devices, today, days):
    return [(device, problems(device, today, days)) for device in devices]


def inventory(request, slug):
    school = get_school(request, slug, "devices.manage")
    devices = Device.objects.filter(school=school).select_related("assigned_to")
    device_filter = DeviceFilter(request.GET, queryset=devices)
    page = Paginator(device_filter.qs.order_by("asset_tag"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today, days = timezone.localdate(), os_check_days_for(school)
    return render(
        request,
        "devices/inventory.html",
        {
            "school": school,
            "filter": device_filter,
            "page": page,
            "rows": _with_problems(page.object_list, today, days),
        },
    )


EXPORT_COLUMNS = [
    ("asset_tag", "asset_tag"),
    ("type", "get_kind_display"),
    ("make_model", "make_model"),
    ("serial", "serial"),
    ("location", "location"),
    ("ownership", "get_ownership_display"),
    ("assigned_to", "assigned_to"),
    ("assigned_room", "assigned_room"),
    ("holds_personal_data", "holds_personal_data"),
    ("encryption", "get_encryption_display"),
    ("encryption_method", "encryption_method"),
    ("antivirus", "antivirus_product"),
    ("antivirus_updated", "antivirus_updated_on"),
    ("os", "os_name"),
    ("os_version", "os_version"),
    ("os_checked", "os_checked_on"),
    ("last_scanned", "scanned_on"),
    ("managed", "managed"),
    ("pin_known", "pin_known"),
    ("filtered_off_site", "filtered_off_site"),
    ("purchase_date", "purchased_on"),
    ("status", "get_status_display"),
]


def _cell(device, attribute):
    value = getattr(device, attribute)
    value = value() if callable(value) else value
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def inventory_export(request, slug):
    school = get_school(request, slug, "devices.manage")
    today, days = timezone.localdate(), os_check_days_for(school)
    devices = (
        Device.objects.filter(school=school).select_related("assigned_to").order_by("asset_tag")
    )
    header = [name for name, _ in EXPORT_COLUMNS] + ["problems"]
    rows = (
        [_cell(d, attribute) for _, attribute in EXPORT_COLUMNS]
        + ["; ".join(problems(d, today, days))]
        for d in devices.iterator(chunk_size=1000)
    )
    return csv_response(f"devices-{school.slug}.csv", header, rows)


def non_compliant(request, slug):
    """Devices that fail a rule, each with why."""
    school = get_school(request, slug, "devices.manage")
    today, days = timezone.localdate(), os_check_days_for(school)
    devices = (
        Device.objects.filter(school=school)
        .filter(non_compliant_q(today, days))
        .select_related("assigned_to")
        .order_by("asset_tag")
    )
    page = Paginator(devices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "devices/non_compliant.html",
        {
            "school": school,
            "page": page,
            "rows": _with_problems(page.object_list, today, days),
            "os_check_days": days,
        },
    )


def weekly_check(request, slug):
    """Tick the devices checked this week; one submit for all of them."""
    school = get_school(request, slug, "devices.manage")
    form = CheckForm(posted(request), school=school)
    if request.method == "POST" and form.is_valid():
        try:
            check = services.record_check(
                school=school,
                by=request.user,
                devices=form.cleaned_data["devices"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Check recorded for {check.devices.count()} device(s).")
            return redirect("devices-non-compliant", slug=school.slug)
    today, days = timezone.localdate(), os_check_days_for(school)
    devices = (
        Device.objects.filter(school=school)
        .in_service()
        .select_related("assigned_to")
        .order_by("asset_tag")
    )
    recent = school.device_checks.select_related("checked_by")[:5]
    return render(
        request,
        "devices/check.html",
        {
            "school": school,
            "form": form,
            "rows": _with_problems(devices, today, days),
            "ticked": {str(v) for v in form.data.getlist("devices")} if form.is_bound else set(),
            "recent": recent,
        },
        status=400 if form.errors else 200,
    )


def device_add(request, slug):
    school = get_school(request, slug, "devices.manage")
    return _device_form(request, school, Device(school=school))


def device_edit(request, pk):
    device = get_device(request, pk)
    return _device_form(request, device.school, device)


def _device_form(request, school, device):
    form = DeviceForm(posted(request), instance=device, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_device(device=form.save(commit=False), by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{device.asset_tag} is saved.")
            return redirect("device-detail", pk=device.pk)
    title = f"Change {device.asset_tag}" if device.pk else "Add a device"
    return render(
        request,
        "devices/form.html",
        {
            "school": school,
            "form": form,
            "title": title,
            "back": device if device.pk else None,
            "parent_url": reverse("devices-inventory", args=[school.slug]),
            "parent_label": "Devices",
        },
        status=400 if form.errors else 200,
    )


def device_detail(request, pk):
    device = get_device(request, pk)
    today, days = timezone.localdate(), os_check_days_for(device.school)
    return render(
        request,
        "devices/device_detail.html",
        {
            "device": device,
            "school": device.school,
            "problems": problems(device, today, days),
            "loans": device.loans.select_related("borrower")[:20],
            "losses": device.losses.select_related("reported_by", "breach"),
            # A link to a breach record only for whoever may open it (the view's own rule).
            "breach_ids": set(
                Breach.objects.visible_to(request.user)
                .filter(loss__device=device)
                .values_list("pk", flat=True)
            ),
            "disposals": device.disposals.all(),
        },
    )


def inventory_import_page(request, slug):
    school = get_school(request, slug, "devices.manage")
    result = None
    form = ImportForm(posted(request), posted_files(request))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            form.add_error("file", "The file is larger than 5 MB.")
        else:
            result = import_inventory(
                school=school,
                uploaded_file_or_text=upload,
                imported_by=request.user,
                dry_run=form.cleaned_data["check_only"],
            )
            form = ImportForm()
    return render(
        request,
        "devices/import.html",
        {"school": school, "form": form, "result": result, "columns": COLUMNS},
        status=400 if (result and not result.ok) or form.errors else 200,
    )


def inventory_import_template(request, slug):
    get_school(request, slug, "devices.manage")
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="devices-import-template.csv"'
    return response


def device_settings(request, slug):
    school = get_school(request, slug, "devices.manage")
    form = SettingsForm(posted(request), initial={"os_check_days": os_check_days_for(school)})
    if request.method == "POST" and form.is_valid():
        services.update_settings(school=school, by=request.user, **form.cleaned_data)
        messages.success(request, "Settings saved.")
        return redirect("devices-non-compliant", slug=school.slug)
    return render(
        request,
        "devices/form.html",
        {
            "school": school,
            "form": form,
            "title": "Device settings",
            "parent_url": reverse("devices-non-compliant", args=[school.slug]),
            "parent_label": "Devices needing attention",
        },
        status=400 if form.errors else 200,
    )


# --- software and online services -----------------------------------------------------


def software_list(request, slug):
    school = get_school(request, slug, "devices.manage")
    items = (
        Software.objects.visible_to(request.user)
        .filter(school=school)
        .select_related("approved_by")
    )
    if request.GET.get("format") == "csv":
        header = ["name", "supplier", "purpose", "used_by", "age_range", "data_held"]
        header += ["privacy_notice_checked", "dpia_done", "approved_by", "review_due"]
        rows = (
            [
                *(s.name, s.supplier, s.purpose, s.get_used_by_display(), s.age_range),
                *(s.data_held, s.privacy_notice_checked_on, s.dpia_done_on, s.approved_by),
                s.review_due,
            ]
            for s in items
        )
        return csv_response(f"software-{school.slug}.csv", header, rows)
    return render(
        request,
        "devices/software.html",
        {"school": school, "items": items, "today": timezone.localdate()},
    )


def software_add(request, slug):
    school = get_school(request, slug, "devices.manage")
    return _software_form(request, school, Software(school=school))


def software_edit(request, pk):
    software = get_object_or_404(Software.objects.visible_to(request.user), pk=pk)
    require(request.user, "devices.manage", software.school_id)
    return _software_form(request, software.school, software)


def _software_form(request, school, software):
    form = SoftwareForm(posted(request), instance=software, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_software(software=form.save(commit=False), by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{software.name} is saved.")
            return redirect("software", slug=school.slug)
    title = f"Change {software.name}" if software.pk else "Add software or an online service"
    return render(
        request,
        "devices/form.html",
        {
            "school": school,
            "form": form,
            "title": title,
            "history_of": software if software.pk else None,
            "parent_url": reverse("software", args=[school.slug]),
            "parent_label": "Software and online services",
        },
        status=400 if form.errors else 200,
    )


# --- disposals ----------------------------------------------------------------------------


def _disposals(school_ids):
    return (
        Disposal.objects.filter(school_id__in=school_ids)
        .select_related("authorised_by", "recorded_by")
        .prefetch_related("devices")
    )


def disposals(request, slug):
    school = get_school(request, slug, "devices.manage")
    items = _disposals([school.pk])
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "devices/disposals.html", {"school": school, "page": page})


def disposals_export(request, slug):
    school = get_school(request, slug, "devices.manage")
    header = ["disposed_on", "devices", "method", "data_destruction", "company"]
    header += ["certificate", "authorised_by", "recorded_by"]
    rows = (
        [
            d.disposed_on,
            "; ".join(device.asset_tag for device in d.devices.all()),
            d.get_method_display(),
            d.data_destruction,
            d.company,
            "yes" if d.certificate else "no",
            d.authorised_by,
            d.recorded_by,
        ]
        for d in _disposals([school.pk])
    )
    return csv_response(f"disposals-{school.slug}.csv", header, rows)


def disposal_add(request, slug):
    school = get_school(request, slug, "devices.manage")
    form = DisposalForm(posted(request), posted_files(request), school=school)
    if request.method == "POST" and form.is_valid():
        try:
            services.dispose(school=school, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "The disposal is recorded.")
            return redirect("disposals", slug=school.slug)
    return render(
        request,
        "devices/form.html",
        {
            "school": school,
            "form": form,
            "title": "Record a disposal",
            "intro": DISPOSAL_INTRO,
            "parent_url": reverse("disposals", args=[school.slug]),
            "parent_label": "Disposals",
        },
        status=400 if form.errors else 200,
    )


DISPOSAL_INTRO = (
    "Dispose of devices through a licensed WEEE company. A device that held personal data "
    "needs a certificate that its data was destroyed."
)


def disposal_file(request, pk, which):
    disposal = get_object_or_404(
        Disposal.objects.filter(school__in=_managed_schools(request)), pk=pk
    )
    require(request.user, "devices.manage", disposal.school_id)
    if which not in ("waste_transfer_note", "certificate") or not getattr(disposal, which):
        raise Http404
    file = getattr(disposal, which)
    response = FileResponse(file.open("rb"), as_attachment=True, filename=_file_name(file))
    response["Cache-Control"] = "no-store"
    return response


def disposal_pdf(request, pk):
    """The disposal record as a PDF: what went, how its data was destroyed, by whom."""
    disposal = get_object_or_404(
        _disposals(_managed_schools(request)).select_related("school"), pk=pk
    )
    require(request.user, "devices.manage", disposal.school_id)
    pdf = render_pdf(
        "devices/disposal_pdf.html",
        {
            "disposal": disposal,
            "devices": sorted(disposal.devices.all(), key=lambda d: d.asset_tag),
            "note_name": _file_name(disposal.waste_transfer_note),
            "certificate_name": _file_name(disposal.certificate),
        },
        school=disposal.school,
        title=f"Disposal record {disposal.pk}",
    )
    return pdf_response(pdf, f"disposal-{disposal.pk}.pdf")


def _file_name(file) -> str:
    return file.name.rsplit("/", 1)[-1] if file else ""


def _managed_schools(request):
    from .rules import device_manager_school_ids

    return device_manager_school_ids(request.user)
