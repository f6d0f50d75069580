"""Registers: coverage per document, consent, internet access, figures for trustees, and
a class's signed forms as one PDF. Managers see names; trustees see figures only."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from esafety.exports import csv_response
from esafety.figures import figures_for
from esafety.models import School
from esafety.pdf import pdf_response, render_pdf
from esafety.roles import allowed, require
from esafety.views_people import get_school

from . import register_consent, registers, signing
from .forms_registers import ConsentFilter, InternetFilter, RegisterFilter
from .models import PUBLISHING_RULE, Channel, Document

ROWS_PER_PAGE = 50
# The one-channel consent register's two lists, each paged by its own "<name>_page".
CHANNEL_LISTS = (("allowed", True), ("not_allowed", False))
PRINT_WHOLE_SCHOOL_UP_TO = 300  # rows; a larger school prints one class or role per page


def _document(school, pk) -> Document:
    return get_object_or_404(registers.published_documents(school).distinct(), pk=pk)


def overview(request, slug):
    school = get_school(request, slug, "agreements.view_registers")
    return render(
        request,
        "agreements/registers/overview.html",
        {
            "school": school,
            "coverage": registers.coverage_by_document(school),
            "consent_document": register_consent.consent_document(school),
        },
    )


def register(request, slug, pk):
    school = get_school(request, slug, "agreements.view_registers")
    document = _document(school, pk)
    listing = registers.register_listing(document)
    form = RegisterFilter(request.GET or None, [label for label, _ in listing.groups])
    rows = listing.rows(**form.cleaned_data) if form.is_valid() else listing.rows()
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = registers.page_rows(document, page.object_list)
    return render(
        request,
        "agreements/registers/register.html",
        {
            "school": school,
            "document": document,
            "groups": listing.groups,
            "total": listing.total,
            "form": form,
            "page": page,
            "classes": register_consent.pupil_classes(school) if _is_about_pupils(document) else [],
        },
    )


def register_print(request, slug, pk):
    """The register (or one class or status) grouped by class and role, without menus,
    buttons or colour-only badges: for printing and ticking off. A large school prints a
    class (or role) per page, so no page builds the whole school's rows."""
    school = get_school(request, slug, "agreements.view_registers")
    document = _document(school, pk)
    listing = registers.register_listing(document)
    form = RegisterFilter(request.GET or None, [label for label, _ in listing.groups])
    status = group = ""
    if form.is_valid():
        status, group = form.cleaned_data["status"], form.cleaned_data["group"]
    labels = [group] if group else [label for label, _ in listing.groups]
    page = None
    if not group and listing.total.audience > PRINT_WHOLE_SCHOOL_UP_TO:
        page = Paginator(labels, 1).get_page(request.GET.get("page"))
        labels = list(page.object_list)
    one = labels[0] if len(labels) == 1 else ""
    shown = registers.page_rows(document, listing.rows(status=status, group=one))
    sections = [
        (label, figures, [row for row in shown if row.group == label])
        for label, figures in listing.groups
        if label in labels
    ]
    return render(
        request,
        "agreements/registers/print.html",
        {
            "school": school,
            "document": document,
            "form": form,
            "status_label": registers.STATUS_LABELS.get(status, ""),
            "sections": sections,
            "total": listing.total,
            "page": page,
            "printed_on": timezone.localdate(),
        },
    )


def _is_about_pupils(document):
    return "pupil" in document.audience_roles or document.parents_sign_for_each_child


def register_csv(request, slug, pk):
    school = get_school(request, slug, "agreements.view_registers")
    document = _document(school, pk)
    report = registers.register_for(document)
    return csv_response(
        f"register-{school.slug}-{document.pk}.csv",
        ["Name", "Class or role", "Status", "Last signed", "Asked to sign"],
        (
            [row.name, row.group, row.status_label, _date(row.last_signed_at), row.asked]
            for row in report.rows
        ),
    )


def _date(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d") if moment else ""


def _consent_filter(request, slug):
    school = get_school(request, slug, "agreements.view_registers")
    document = register_consent.consent_document(school)
    form = ConsentFilter(request.GET or None, register_consent.pupil_classes(school))
    class_name = channel = ""
    if form.is_valid():
        class_name, channel = form.cleaned_data["class_name"], form.cleaned_data["channel"]
    return school, document, form, class_name, channel


def consent_register(request, slug):
    school, document, form, class_name, channel = _consent_filter(request, slug)
    context = {
        "school": school,
        "document": document,
        "form": form,
        "class_name": class_name,
        "channel": Channel(channel) if channel else None,
        "channels": Channel.choices,
        "publishing_rule": PUBLISHING_RULE,
    }
    if document and channel:
        # Who may appear on one channel, and who must not: two lists, each in pages.
        pupils = register_consent.channel_pupils(document, channel, class_name=class_name)
        counts = register_consent.cached_channel_counts(
            document, channel, pupils, class_name=class_name
        )
        for (name, allows), count in zip(CHANNEL_LISTS, counts, strict=True):
            paginator = Paginator(pupils.filter(allows=allows), ROWS_PER_PAGE)
            paginator.count = count  # counted above, in SQL
            page = paginator.get_page(request.GET.get(f"{name}_page"))
            page.object_list = register_consent.kept_channel_rows(
                document, channel, page, allows=allows, class_name=class_name
            )
            context[name] = page
    elif document:
        paginator = Paginator(
            register_consent.consent_pupils(document, class_name=class_name), ROWS_PER_PAGE
        )
        # Counted on the memberships alone: no join to every user, no subquery per pupil.
        paginator.count = register_consent.pupil_count(school, class_name=class_name)
        page = paginator.get_page(request.GET.get("page"))
        page.object_list = [
            (row, [row.answers[c] for c in Channel.values])
            for row in register_consent.consent_rows(page.object_list)
        ]
        context.update(page=page, count=page.paginator.count)
    return render(request, "agreements/registers/consent.html", context)


def consent_register_csv(request, slug):
    school, document, _, class_name, _ = _consent_filter(request, slug)
    rows = register_consent.consent_register(document, class_name=class_name) if document else []
    answer = {True: "Yes", False: "No", None: "No answer (not consented)"}
    return csv_response(
        f"consent-{school.slug}{'-' + class_name if class_name else ''}.csv",
        ["Pupil", "Class"] + [label for _, label in Channel.choices],
        (
            [row.name, row.class_name] + [answer[row.answers[c]] for c in Channel.values]
            for row in rows
        ),
    )


def internet_register(request, slug):
    school = get_school(request, slug, "agreements.view_internet_register")
    form = InternetFilter(request.GET or None)
    listings = registers.internet_access_listings(school)
    access = form.cleaned_data["access"] if form.is_valid() else ""
    status = {"yes": registers.SIGNED, "no": registers.NOT_SIGNED}.get(access, "")
    rows = registers.internet_access_statuses(listings, status=status)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = registers.internet_access_page(page.object_list)
    return render(
        request,
        "agreements/registers/internet.html",
        {
            "school": school,
            "form": form,
            "page": page,
            "without_access": sum(
                listing.total.audience - listing.total.signed for listing in listings
            ),
            "access": access,
        },
    )


def internet_register_csv(request, slug):
    school = get_school(request, slug, "agreements.view_internet_register")
    form = InternetFilter(request.GET or None)
    return csv_response(
        f"internet-access-{school.slug}.csv",
        ["Name", "Class or role", "Agreement", "Internet access", "Signed"],
        (
            [
                row.name,
                row.group,
                document.title,
                "Yes" if row.status == registers.SIGNED else "No: not signed",
                _date(row.last_signed_at) if row.status == registers.SIGNED else "",
            ]
            for document, row in registers.internet_access_rows(school)
            if form.keep(row.status)
        ),
    )


def coverage(request):
    """Figures for every school the person may see: trustees and school managers."""
    schools = [
        school
        for school in School.objects.visible_to(request.user).select_related("trust")
        if allowed(request.user, "agreements.view_coverage", school)
    ]
    if not schools:
        require(request.user, "agreements.use_coverage")
    coverage = figures_for(registers.COVERAGE_FIGURE, [school.pk for school in schools])
    return render(
        request,
        "agreements/registers/coverage.html",
        {"schools": [(school, coverage[school.pk]) for school in schools]},
    )


def class_bundle(request, slug, pk):
    school = get_school(request, slug, "agreements.view_registers")
    document = _document(school, pk)
    class_name = request.GET.get("class_name", "")
    if class_name not in register_consent.pupil_classes(school):
        messages.error(request, "Choose one of the school's classes for the signed forms.")
        return redirect("agreements-register", slug=school.slug, pk=document.pk)
    signatures = register_consent.class_signatures(document, class_name)
    pdf = render_pdf(
        "agreements/registers/class_bundle_pdf.html",
        {
            "document": document,
            "class_name": class_name,
            "forms": [
                (
                    signature,
                    signature.matches_version(),
                    signing.render_text(signature.version.text),
                    [(c.label, given) for c in Channel for given in _answer(signature, c)],
                )
                for signature in signatures
            ],
        },
        school=school,
        title=f"{document.title}: signed forms, class {class_name}",
    )
    return pdf_response(pdf, f"signed-forms-{school.slug}-{class_name}.pdf")


def _answer(signature, channel):
    return [a.given for a in signature.answers.all() if a.channel == channel]
