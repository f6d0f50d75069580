"""Incident pages. Thin: fetch in scope, check the rule, call a service, render."""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from esafety.exports import csv_response
from esafety.flags import flags_of
from esafety.forms import add_errors
from esafety.models import Role, School, User
from esafety.once import first_time, once_token
from esafety.pdf import pdf_response, render_pdf
from esafety.roles import allowed, require, schools_with_roles
from esafety.validators import CheckedFormMixin
from esafety.views_people import get_school
from esafety.widgets import style_filter_form

from . import guides, services, states
from .categories import CATEGORIES, CATEGORY_CHOICES, ILLEGAL_MATERIAL_STEPS, category
from .forms import (
    URGENT_QUESTIONS,
    ChronologyFindForm,
    IncidentForm,
    PeopleFormSet,
    TypedTextMixin,
    people_initial,
)
from .models import (
    ActionKind,
    Evidence,
    Incident,
    IncidentPerson,
    IncidentTag,
    RiskArea,
    Status,
)
from .routing import urgency_reasons
from .rules import INCIDENT_STAFF_ROLES
from .selectors import (
    UrgentFirst,
    add_flags,
    add_who,
    counted_for,
    queue_counts,
    spans_schools,
    urgent_and_total,
    with_who_and_what,
)

# The people an incident's pages show beside it, read in the same query.
SHOWN_WITH_INCIDENT = (
    "school__trust",
    "reported_by",
    "routed_to",
    "acknowledged_by",
    "escalated_to",
    "trustee_sign_requested_from",
)
# The report PDF shows fewer: each join more costs PostgreSQL's planner about a
# millisecond on every download; the people it shows only once set are read if set.
SHOWN_IN_REPORT = ("school__trust", "reported_by", "routed_to")


def get_incident(request, pk, rule="incidents.view", related=SHOWN_WITH_INCIDENT) -> Incident:
    """In scope or 404; allowed or 403."""
    incident = get_object_or_404(
        Incident.objects.visible_to(request.user).select_related(*related), pk=pk
    )
    require(request.user, rule, incident)
    return incident


def _school_for_new_incident(request) -> School:
    schools = School.objects.filter(pk__in=schools_with_roles(request.user, INCIDENT_STAFF_ROLES))
    slug = request.GET.get("school") or request.POST.get("school")
    school = schools.filter(slug=slug).first() if slug else schools.first()
    if school is None:
        raise PermissionDenied
    require(request.user, "incidents.log", school)
    return school


def _log_form_context(school, form, people, incident=None):
    forbidding = (
        form.fields["tags"].queryset.filter(forbids_images=True).values_list("pk", flat=True)
    )
    return {
        "urgent_questions": [form[name] for name in URGENT_QUESTIONS],
        "forbidding_kinds": ",".join(str(pk) for pk in forbidding),
        "school": school,
        "form": form,
        "people": people,
        "incident": incident,
        "categories": CATEGORIES,
        "illegal_steps": ILLEGAL_MATERIAL_STEPS,
    }


def _save_from_forms(request, school, form, people, incident):
    incident = form.save(commit=False)
    incident.school = school
    entries = [f.as_entry() for f in people if f.cleaned_data and f.has_person()]
    tags = form.cleaned_data["tags"]
    if "submit" in request.POST:
        incident = services.submit_incident(
            incident=incident, by=request.user, people=entries, tags=tags
        )
        return _submitted(request, incident)
    services.save_draft(incident=incident, by=request.user, people=entries, tags=tags)
    messages.success(request, "Your draft is saved. Only you can see it until you submit it.")
    return redirect("incident-edit", pk=incident.pk)


def incident_create(request):
    school = _school_for_new_incident(request)
    # Arriving from a "What to do if..." guide: the form starts with what the walk learnt.
    prefill = guides.prefill_from_completion(request.user, request.GET.get("guide"))
    form = IncidentForm(request.POST or None, school=school, initial=prefill)
    people = PeopleFormSet(request.POST or None, form_kwargs={"school": school}, prefix="people")
    if request.method == "POST" and form.is_valid() and people.is_valid():
        return first_time(
            request,
            lambda: _save_from_forms(request, school, form, people, None),
            while_saving="my-incidents",
            repeated="You sent this report twice; it was saved once.",
        )
    context = _log_form_context(school, form, people)
    return render(request, "incidents/log_form.html", {**context, "once": once_token(request)})


def _submitted(request, incident):
    messages.success(
        request,
        f"Incident {incident.reference} was sent to "
        f"{incident.routed_to or 'the school'}. Thank you for reporting it.",
    )
    return redirect("incident-detail", pk=incident.pk)


def incident_edit(request, pk):
    """The author's draft, until it is submitted."""
    incident = get_incident(request, pk)
    if "submit" in request.POST and not incident.is_draft and incident.reported_by == request.user:
        return _submitted(request, incident)  # Submit clicked twice: it was sent once
    require(request.user, "incidents.edit_draft", incident)
    school = incident.school
    form = IncidentForm(request.POST or None, instance=incident, school=school)
    people = PeopleFormSet(
        request.POST or None,
        initial=None if request.method == "POST" else people_initial(incident),
        form_kwargs={"school": school},
        prefix="people",
    )
    if request.method == "POST" and form.is_valid() and people.is_valid():
        return _save_from_forms(request, school, form, people, incident)
    return render(
        request, "incidents/log_form.html", _log_form_context(school, form, people, incident)
    )


def _list_queryset(request):
    return (
        Incident.objects.visible_to(request.user)
        .select_related("school", "reported_by", "routed_to")
        .prefetch_related("tags")
    )


def my_incidents(request):
    require(request.user, "incidents.use_log")
    incidents = _list_queryset(request).filter(reported_by=request.user)
    page = Paginator(incidents, 25).get_page(request.GET.get("page"))
    return render(request, "incidents/my_incidents.html", {"page": page, "now": timezone.now()})


class IncidentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search number or text", method="search")
    status = django_filters.ChoiceFilter(
        choices=[c for c in Status.choices if c[0] != Status.DRAFT], empty_label="Any status"
    )
    category = django_filters.ChoiceFilter(choices=CATEGORY_CHOICES, empty_label="Any category")
    risk_area = django_filters.ChoiceFilter(choices=RiskArea.choices, empty_label="Any risk area")
    tag = django_filters.ModelChoiceFilter(
        field_name="tags", queryset=IncidentTag.objects.all(), empty_label="Any kind", label="Kind"
    )
    reported_from = django_filters.DateFilter(
        field_name="reported_at",
        lookup_expr="date__gte",
        label="Reported from",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reported_to = django_filters.DateFilter(
        field_name="reported_at",
        lookup_expr="date__lte",
        label="Reported to",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    pupil = django_filters.CharFilter(label="Pupil's name", method="involving")
    school = django_filters.ModelChoiceFilter(
        queryset=School.objects.none(), empty_label="All schools", label="School"
    )

    class Meta:
        model = Incident
        fields = []

    def __init__(self, *args, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["school"].queryset = schools if schools is not None else School.objects.none()
        self.form.fields["school"].queryset = self.filters["school"].queryset
        style_filter_form(self.form)

    def search(self, queryset, name, value):
        """The number as shown (BRO-2026-0003) or any part of it, or words of the text."""
        found = Q(number__icontains=value) | Q(description__icontains=value)
        letters, dash, number = value.strip().partition("-")
        if dash and letters.isalpha() and number:
            schools = [
                s.pk for s in School.objects.only("code", "slug") if s.prefix == letters.upper()
            ]
            found |= Q(school__in=schools, number__istartswith=number)
        return queryset.filter(found)

    def involving(self, queryset, name, value):
        parts = IncidentPerson.objects.filter(person__full_name__icontains=value)
        return queryset.filter(pk__in=parts.values("incident_id"))


WAITING_SHOWN = 25


def incident_queue(request):
    """The e-safety officer's queue: waiting-to-be-acknowledged first (most urgent at the
    top, overdue highlighted), then everything else, urgent first, then newest. Counted
    in one pass; the pupils and kinds of all rows shown fetched together."""
    require(request.user, "incidents.use_queue")
    several = spans_schools(request.user)
    incident_filter = IncidentFilter(
        request.GET,
        queryset=Incident.objects.visible_to(request.user).submitted(),
        schools=School.objects.visible_to(request.user) if several else None,
    )
    matching = with_who_and_what(incident_filter.qs, prefetch=False)
    waiting = matching.filter(status=Status.REPORTED).order_by("urgent", "acknowledge_by", "pk")
    if request.GET.get("status"):
        # One status asked for: one list, in the order that suits it.
        waiting_count = 0
        others = waiting
        if request.GET["status"] != Status.REPORTED:
            counts = counted_for(request.user, request.GET, lambda: urgent_and_total(matching))
            others = UrgentFirst(matching, counts=counts)
    else:
        counts = counted_for(request.user, request.GET, lambda: queue_counts(matching))
        waiting_count = counts["waiting"]
        others = UrgentFirst(
            matching.exclude(status=Status.REPORTED),
            counts=(counts["urgent_others"], counts["others"]),
        )
    page = Paginator(others, 25).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    waiting_shown = []
    if waiting_count and page.number == 1:
        # The most urgent picked by their ids alone, then fetched with who reported them:
        # joined first, every waiting incident of a trust was joined before the sort.
        waiting_shown = list(waiting.filter(pk__in=waiting.values("pk")[:WAITING_SHOWN]))
    add_who([*waiting_shown, *page.object_list])  # one query each for kinds and pupils
    add_flags([*waiting_shown, *page.object_list], request.user)
    return render(
        request,
        "incidents/queue.html",
        {
            "filter": incident_filter,
            "waiting": waiting_shown,
            "waiting_count": waiting_count,
            "page": page,
            "several_schools": several,
            "now": timezone.now(),
        },
    )


def incident_detail(request, pk):
    incident = get_incident(request, pk)
    can_manage = allowed(request.user, "incidents.manage", incident)
    can_sign_head = allowed(request.user, "incidents.sign_off_headteacher", incident)
    can_sign_trustee = allowed(request.user, "incidents.sign_off_trustee", incident)
    sees_handling = can_manage or can_sign_head or can_sign_trustee
    now = timezone.now()
    timeline, urgency = [], []
    if sees_handling:
        timeline = list(incident.timeline.select_related("created_by", "owner", "done_by"))
        overdue = any(e.kind == ActionKind.ACTION and e.is_overdue for e in timeline)
        urgency = urgency_reasons(incident, now, overdue_action=overdue)
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "people": incident.people.select_related("person"),
            "timeline": timeline,
            "referrals": incident.referrals.select_related("made_by"),
            "sanctions": incident.sanctions.select_related("person__person", "applied_by"),
            "evidence": incident.evidence.select_related("uploaded_by"),
            "tags": incident.tags.all(),
            "rule": category(incident.category),
            "illegal_steps": ILLEGAL_MATERIAL_STEPS,
            "can_manage": can_manage,
            "can_amend": allowed(request.user, "incidents.amend", incident),
            "can_classify": allowed(request.user, "incidents.classify", incident),
            "can_sign_head": can_sign_head,
            "can_sign_trustee": can_sign_trustee,
            # The risks app's own rule for the page the link opens: never a link to a 403.
            "can_link_risk": can_manage and allowed(request.user, "risks.manage", incident.school),
            "closing_needs": states.needs(incident, "close") if can_manage else [],
            "urgency": urgency,
            # Reporters see their report and its progress, not the decisions (need to know).
            "sees_handling": sees_handling,
            "now": now,
        },
    )


def evidence_download(request, pk, evidence_pk):
    incident = get_incident(request, pk, "incidents.manage")
    evidence = get_object_or_404(Evidence, pk=evidence_pk, incident=incident)
    response = FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name
    )
    response["Cache-Control"] = "no-store"
    return response


def pupil_chronology(request, slug, user_pk):
    """Every incident involving one pupil, with their part in each (and no one else's)."""
    school = get_school(request, slug, "incidents.view_chronology")
    pupil = get_object_or_404(
        User.objects.filter(memberships__school=school, memberships__role=Role.PUPIL).distinct(),
        pk=user_pk,
    )
    visible = Incident.objects.visible_to(request.user).filter(school=school).submitted()
    parts = (
        IncidentPerson.objects.filter(person=pupil, incident__in=visible)
        .select_related("incident__school")
        .order_by("incident__occurred_at", "incident__reported_at")
    )
    flags = flags_of(request.user, {(school.pk, pupil.pk)}).get((school.pk, pupil.pk), [])
    context = {"school": school, "pupil": pupil, "parts": parts, "flags": flags}
    return render(request, "incidents/chronology.html", context)


def pupil_chronology_find(request, slug):
    """Choose a pupil with the people picker, then see their chronology."""
    school = get_school(request, slug, "incidents.view_chronology")
    form = ChronologyFindForm(request.GET or None, school=school)
    if form.is_bound and form.is_valid():
        return redirect("pupil-chronology", slug=school.slug, user_pk=form.cleaned_data["pupil"].pk)
    return render(
        request,
        "incidents/chronology_find.html",
        {"school": school, "form": form},
        status=400 if form.is_bound else 200,
    )


class IncidentKindForm(TypedTextMixin, CheckedFormMixin, forms.ModelForm):
    class Meta:
        model = IncidentTag
        fields = ["name", "forbids_images"]
        labels = {"forbids_images": "Never allow images or videos as evidence"}

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        offered = IncidentTag.objects.filter(Q(school=self.school) | Q(school__isnull=True))
        if offered.filter(name__iexact=name).exists():
            raise forms.ValidationError("That kind is already on the list.")
        return name


def incident_kinds(request, slug):
    """The kinds of incident offered when logging: everyone's, plus the school's own."""
    school = get_school(request, slug, "incidents.manage_kinds")
    form = IncidentKindForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        services.add_incident_kind(school=school, by=request.user, **form.cleaned_data)
        messages.success(request, f"“{form.cleaned_data['name']}” was added.")
        return redirect("incident-kinds", slug=school.slug)
    kinds = IncidentTag.objects.filter(Q(school=school) | Q(school__isnull=True))
    return render(request, "incidents/kinds.html", {"school": school, "form": form, "kinds": kinds})


EXPORT_COLUMNS = [
    ("Number", "reference"),
    ("Status", "get_status_display"),
    ("Reported", "reported_at"),
    ("Happened", "occurred_at"),
    ("Reported by", "reported_by"),
    ("Reported to", "routed_to"),
    ("About", "get_subject_display"),
    ("A child at risk of harm now", "get_child_at_risk_now_display"),
    ("Contact from an adult or older child", "get_contact_from_older_display"),
    ("An image of a child involved", "get_image_of_child_display"),
    ("Category", "category"),
    ("Risk area", "risk_area"),
    ("Where", "get_location_display"),
    ("What happened", "description"),
    ("Action taken", "action_taken"),
    ("Parents told", "get_parents_informed_display"),
    ("Review date", "review_date"),
    ("Result of review", "review_result"),
    ("Headteacher signed", "headteacher_signed_at"),
    ("Trustee signed", "trustee_signed_at"),
]


def _export_value(incident, attribute):
    value = getattr(incident, attribute)
    value = value() if callable(value) else value
    if hasattr(value, "astimezone"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value


def incident_export(request, slug):
    school = get_school(request, slug, "incidents.export")
    incidents = (
        Incident.objects.visible_to(request.user)
        .filter(school=school)
        .submitted()
        .select_related("school", "reported_by", "routed_to")
        .order_by("reported_at")
    )
    rows = (
        [_export_value(incident, attribute) for _, attribute in EXPORT_COLUMNS]
        for incident in incidents.iterator(chunk_size=500)
    )
    return csv_response(
        f"incidents-{school.slug}.csv", [label for label, _ in EXPORT_COLUMNS], rows
    )


def incident_pdf(request, pk):
    incident = get_incident(request, pk, "incidents.manage", related=SHOWN_IN_REPORT)
    pdf = render_pdf(
        "incidents/incident_pdf.html",
        {
            "incident": incident,
            "people": incident.people.select_related("person"),
            "timeline": incident.timeline.select_related("created_by", "owner"),
            "referrals": incident.referrals.all(),
            "sanctions": incident.sanctions.select_related("person__person"),
            "tags": incident.tags.all(),
        },
        school=incident.school,
        title=f"E-safety incident log {incident.reference}",
    )
    return pdf_response(pdf, f"incident-{incident.reference}.pdf")


def _redirect_back(incident):
    return redirect("incident-detail", pk=incident.pk)


def incident_action(request, pk, action):
    """One URL for each step on an incident; the table in actions.py says what each does."""
    from .actions import ACTIONS

    step = ACTIONS.get(action)
    if step is None:
        raise Http404
    incident = get_incident(request, pk, step.rule)
    form = step.form_for(request, incident)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                message = step.perform(request, incident, form)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, message)
            return _redirect_back(incident)
    context = {
        "incident": incident,
        "form": form,
        "step": step,
        "rule": category(incident.category),
    }
    if action == "close":
        # What is missing, each with a link to put it right; the form's other errors apart.
        given = form.data.get("close_actions_reason", "") if form.is_bound else ""
        context["closing_needs"] = needs = states.needs(
            incident, "close", close_actions_reason=given
        )
        reasons = {need.reason for need in needs}
        context["other_errors"] = [e for e in form.non_field_errors() if e not in reasons]
        context["closing"] = True
    return render(
        request,
        "incidents/action_form.html",
        context,
        status=400 if request.method == "POST" else 200,
    )
