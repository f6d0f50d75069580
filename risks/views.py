"""Risk register pages. Thin: fetch in scope (404), check the rule (403), call a service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from esafety.exports import csv_response
from esafety.figures import figure_for
from esafety.forms import add_errors
from esafety.models import Trust
from esafety.once import redirect_as_done, was_already_done
from esafety.params import parse_id
from esafety.pdf import pdf_response
from esafety.roles import access_for, allowed, require
from esafety.views_people import get_school

from . import services
from .filters import RegisterFilter
from .forms import DoneForm, RiskForm
from .heatmap import grids, matrices_for
from .incident_links import incident_counts
from .models import Action, Matrix, Risk
from .owners import OWNERS_LISTED, owner_labels, role_names
from .pdf import register_pdf, risk_pdf, trust_wide_risks
from .starter import STARTER_RISKS
from .steps import STEPS


def get_risk(request, pk, rule="risks.view") -> Risk:
    """In scope or 404; allowed or 403."""
    risk = get_object_or_404(
        Risk.objects.visible_to(request.user).select_related("school__trust", "trust", "matrix"),
        pk=pk,
    )
    require(request.user, rule, risk)
    return risk


def _heat_maps(school) -> dict:
    figures = figure_for("risks.register", school.pk, exact=True)  # beside its risks
    matrices = matrices_for(figures["cells"])
    return {
        "figures": figures,
        "current_grids": grids(figures["cells"], "current", matrices),
        "inherent_grids": grids(figures["cells"], "inherent", matrices),
    }


def risk_register(request, slug):
    school = get_school(request, slug, "risks.view_register")
    risks = (
        Risk.objects.visible_to(request.user)
        .filter(school=school)
        .select_related("matrix")
        .prefetch_related(OWNERS_LISTED)
    )
    trust_risks = (
        trust_wide_risks(school)
        if allowed(request.user, "risks.register_pdf", school)  # its leads and trustees
        else []
    )
    register_filter = RegisterFilter(request.GET, queryset=risks, school=school)
    page = Paginator(register_filter.qs, 50).get_page(request.GET.get("page"))
    manages = allowed(request.user, "risks.manage", school)
    names_hidden = not manages  # trustees and technicians: owners as roles
    if names_hidden:
        role_names(page.object_list)
    return render(
        request,
        "risks/register.html",
        {
            "school": school,
            "filter": register_filter,
            "page": page,
            "manages": manages,
            "names_hidden": names_hidden,
            # Trustees see the register without names and don't open a risk's own page.
            "opens_risks": manages or not allowed(request.user, "risks.register_pdf", school),
            "can_pdf": allowed(request.user, "risks.register_pdf", school),
            "today": timezone.localdate(),
            "query": request.GET.urlencode(),
            "trust_risks": trust_risks,
            **_heat_maps(school),
        },
    )


CSV_HEADER = [
    "Risk No.",
    "Risk",
    "Description",
    "Category",
    "Where it applies",
    "Identified",
    "Likelihood before",
    "Impact before",
    "Inherent assessment",
    "Reason before mitigation",
    "Likelihood",
    "Likelihood reason",
    "Impact",
    "Impact reason",
    "Risk assessment",
    "Owners",
    "Mitigation: technical",
    "Mitigation: education",
    "Status",
    "Status reason",
    "Review due",
]


def register_csv(request, slug):
    school = get_school(request, slug, "risks.export")
    risks = (
        Risk.objects.visible_to(request.user)
        .filter(school=school)
        .select_related("matrix")
        .prefetch_related("owners")
    )
    rows = (
        [
            r.reference,
            r.title,
            r.description,
            r.get_category_display(),
            "; ".join(r.setting_labels()),
            r.identified_on,
            r.inherent_likelihood,
            r.inherent_impact,
            r.inherent_label,
            r.inherent_reason,
            r.likelihood,
            r.likelihood_reason,
            r.impact,
            r.impact_reason,
            r.assessment_label,
            "; ".join(str(o) for o in r.owners.all()),
            r.mitigation_technical,
            r.mitigation_education,
            r.get_status_display(),
            r.status_reason,
            r.review_due,
        ]
        for r in risks
    )
    return csv_response(f"risk-register-{school.slug}.csv", CSV_HEADER, rows)


def register_pdf_view(request, slug):
    school = get_school(request, slug, "risks.register_pdf")
    return pdf_response(register_pdf(school), f"risk-register-{school.slug}.pdf")


def risk_create(request, slug):
    school = get_school(request, slug, "risks.manage")
    matrix = Matrix.objects.current_for(school.trust_id)
    incident = _incident_to_link(request, school)
    form = RiskForm(request.POST or None, school=school, matrix=matrix)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            with transaction.atomic():
                risk = services.create_risk(school=school, by=request.user, **data)
                if incident is not None:
                    services.link_incident(risk=risk, incident=incident, by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, f"{risk.reference} is on the register as {risk.assessment_label}."
            )
            return redirect(risk)
    return render(
        request,
        "risks/risk_form.html",
        {"school": school, "form": form, "matrix": matrix, "incident": incident},
        status=400 if request.method == "POST" else 200,
    )


def _incident_to_link(request, school):
    """A new risk raised from an incident's page (?incident=<id>): that incident, if this
    person manages it, is linked to the new risk."""
    from incidents.models import Incident

    pk = parse_id(request.GET.get("incident") or request.POST.get("incident"))
    if pk is None:
        return None
    incident = (
        Incident.objects.visible_to(request.user)
        .filter(pk=pk, school=school)
        .select_related("school")
        .first()
    )
    if incident is None or not allowed(request.user, "incidents.manage", incident):
        return None
    return incident


def starter_library(request, slug):
    """Common online-safety risks to adopt, edit or ignore."""
    school = get_school(request, slug, "risks.manage")
    if request.method == "POST":
        try:
            risk = services.adopt_starter(
                school=school, by=request.user, key=request.POST.get("key", "")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Adopted as {risk.reference}. Check the owners and scores.")
            return redirect(risk)
    adopted = dict(
        Risk.objects.filter(school=school).exclude(starter_key="").values_list("starter_key", "pk")
    )
    matrix = Matrix.objects.current_for(school.trust_id)
    # Suggestions are on the seed's 3 x 3 (scaled when adopted onto a 5 x 5).
    seed = Matrix.objects.get(trust__isnull=True, is_current=True)
    starters = [
        {
            "starter": s,
            "adopted_pk": adopted.get(s.key),
            "inherent": seed.label(*s.inherent),
            "current": seed.label(*s.current),
        }
        for s in STARTER_RISKS
    ]
    return render(
        request,
        "risks/starter.html",
        {"school": school, "starters": starters, "matrix": matrix},
        status=400 if request.method == "POST" else 200,
    )


def risk_detail(request, pk):
    risk = get_risk(request, pk)
    # Once, for the owners shown and for each action's "who may mark it done".
    prefetch_related_objects([risk], "owners")
    manages = allowed(request.user, "risks.edit", risk)
    actions = list(risk.actions.select_related("owner", "done_by"))
    for action in actions:
        action.can_complete = allowed(request.user, "risks.complete_action", action)
    assessments = list(risk.assessments.select_related("matrix", "assessed_by"))
    # A trust that changed matrix rescales nothing: say so until the risk is re-scored.
    trust_matrix = Matrix.objects.current_for(risk.trust_of)
    return render(
        request,
        "risks/detail.html",
        {
            "risk": risk,
            "owners": owner_labels(risk, list(risk.owners.all())),
            "actions": actions,
            "assessments": assessments,
            "chart": _chart(assessments),
            "trust_matrix": trust_matrix if trust_matrix.pk != risk.matrix_id else None,
            "incidents": incident_counts(risk, request.user),
            "manages": manages,
            "can_accept": allowed(request.user, "risks.accept", risk),
            "can_add_action": allowed(request.user, "risks.add_action", risk),
            "steps": STEPS,
            "today": timezone.localdate(),
        },
    )


def _chart(assessments):
    """Points for a small SVG line chart of the current score (and inherent) over time:
    from the second assessment (one point is not a line; the table lists it)."""
    if len(assessments) < 2:
        return None
    width, height, pad = 320, 120, 20
    biggest = max((a.matrix for a in assessments), key=lambda matrix: matrix.size)
    top = biggest.size**2
    count = len(assessments)

    def x(index):
        return pad if count == 1 else pad + index * (width - 2 * pad) / (count - 1)

    def y(score):
        return height - pad - score * (height - 2 * pad) / top

    current = [(round(x(i), 1), round(y(a.score), 1), a) for i, a in enumerate(assessments)]
    inherent = [(round(x(i), 1), round(y(a.inherent_score), 1)) for i, a in enumerate(assessments)]
    return {
        "width": width,
        "height": height,
        "current": current,
        "current_line": " ".join(f"{px},{py}" for px, py, _ in current),
        "inherent_line": " ".join(f"{px},{py}" for px, py in inherent),
        # The top of the scale in words (HIGH (9)), above the plot, not a bare number.
        "top_label": biggest.label(biggest.size, biggest.size),
        "top_y": round(y(top), 1),
        "top_label_y": round(y(top), 1) - 6,
        "base_y": height - pad,
    }


def risk_step(request, pk, step):
    found = STEPS.get(step)
    if found is None:
        raise Http404
    risk = get_risk(request, pk, found.rule)
    form = found.form(request, risk)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                message = found.perform(request, risk, form)
        except ValidationError as error:
            if was_already_done(error):  # a second click: where the first one went
                return redirect_as_done(request, error.message, risk)
            add_errors(form, error)
        else:
            messages.success(request, message)
            return redirect(risk)
    return render(
        request,
        "risks/step_form.html",
        {"risk": risk, "form": form, "step": found},
        status=400 if request.method == "POST" else 200,
    )


def action_done(request, pk):
    action = get_object_or_404(
        Action.objects.select_related("risk__school", "review__school", "owner"), pk=pk
    )
    parent = action.parent
    if action.risk_id:
        get_risk(request, action.risk_id, "risks.view")
    else:
        get_school(request, parent.school.slug, "risks.view_filtering_review")
    if request.method == "POST" and action.done_on and action.done_by_id == request.user.pk:
        # Their second click; anyone else still meets the rule below.
        return redirect_as_done(request, services.ACTION_DONE_ALREADY, parent)
    require(request.user, "risks.complete_action", action)
    form = DoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_action(
                action=action, by=request.user, on=form.cleaned_data["done_on"]
            )
        except ValidationError as error:
            if not was_already_done(error):
                add_errors(form, error)
                return _action_form(request, action, form)
            return redirect_as_done(request, error.message, parent)
        else:
            messages.success(request, "The action is marked as done.")
        return redirect(parent)
    return _action_form(request, action, form)


def _action_form(request, action, form):
    return render(
        request,
        "risks/action_done.html",
        # Not "action": partials/form.html reads that name as the form's URL.
        {"risk_action": action, "parent": action.parent, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def risk_pdf_view(request, pk):
    risk = get_risk(request, pk, "risks.edit")
    return pdf_response(risk_pdf(risk), f"risk-{risk.reference}.pdf")


# --- trustees -------------------------------------------------------------------------------


def trust_registers(request):
    """Trustees: each school's heat map and counts, and its signed registers; no names."""
    require(request.user, "risks.view_trust")
    from esafety.figures import figures_for
    from esafety.models import School

    access = access_for(request.user)
    schools = list(
        School.objects.filter(pk__in=access.trust_school_ids)
        .select_related("trust")
        .order_by("name")
    )
    ids = [s.pk for s in schools]
    register = figures_for("risks.register", ids)
    filtering = figures_for("risks.filtering", ids)
    sign_offs = figures_for("risks.sign_offs", ids)
    matrices = matrices_for({k: 1 for s in ids for k in register[s]["cells"]})
    rows = [
        {
            "school": school,
            "figures": register[school.pk],
            "filtering": filtering[school.pk],
            "sign_offs": sign_offs[school.pk],
            "bands": sorted(register[school.pk]["by_band"].items(), reverse=True),
            "grids": grids(register[school.pk]["cells"], "current", matrices),
        }
        for school in schools
    ]
    trusts = Trust.objects.filter(pk__in=access.chair_trust_ids)
    trust_risks = list(
        Risk.objects.filter(school__isnull=True, trust_id__in=access.trust_ids)
        .live()
        .select_related("matrix", "trust")
        .order_by("trust__name", "-band_rank", "-score", "number")
    )
    return render(
        request,
        "risks/trust.html",
        {
            "rows": rows,
            "chaired": trusts,
            "trust_risks": trust_risks,
            "today": timezone.localdate(),
        },
    )


def trust_risk_create(request, trust_pk):
    """The chair of trustees adds a trust-wide risk, which every school in the trust sees."""
    from .forms import people_of_trust

    trust = get_object_or_404(
        Trust.objects.filter(pk__in=access_for(request.user).trust_ids), pk=trust_pk
    )
    require(request.user, "risks.add_trust_risk", trust)
    matrix = Matrix.objects.current_for(trust)
    form = RiskForm(request.POST or None, people=people_of_trust(trust.pk), matrix=matrix)
    if request.method == "POST" and form.is_valid():
        try:
            risk = services.create_risk(
                school=None, trust=trust, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, f"{risk.reference} is on the trust's register as {risk.assessment_label}."
            )
            return redirect(risk)
    return render(
        request,
        "risks/risk_form.html",
        {"trust": trust, "form": form, "matrix": matrix},
        status=400 if request.method == "POST" else 200,
    )


def risk_matrix(request, trust_pk):
    """The chair of trustees chooses the trust's matrix for new scores."""
    from .forms import MatrixForm

    trust = get_object_or_404(
        Trust.objects.filter(pk__in=access_for(request.user).trust_ids), pk=trust_pk
    )
    require(request.user, "risks.choose_matrix", trust)
    current = Matrix.objects.current_for(trust)
    form = MatrixForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            size = form.cleaned_data["size"]
            bands = services.parse_bands(form.cleaned_data["bands"], size)
            services.choose_matrix(trust=trust, by=request.user, size=size, bands=bands)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                "New scores will use this matrix. Existing risks keep theirs until re-scored.",
            )
            return redirect("risk-trust")
    return render(
        request,
        "risks/matrix.html",
        {"trust": trust, "current": current, "form": form},
        status=400 if request.method == "POST" else 200,
    )
