"""Managing people in a school: the headteacher and e-safety officer's pages."""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from .forms import (
    EndMembershipForm,
    EndParentLinkForm,
    EndTrustLeadForm,
    MembershipForm,
    ParentFromTrustForm,
    ParentLinkForm,
    PersonForm,
    SchoolSettingsForm,
    TrustLeadForm,
    add_errors,
)
from .models import Membership, ParentLink, Role, School, Trust, TrustLead, User
from .once import first_time, once_token, redirect_as_done, was_already_done
from .roles import access_for, require
from .services import (
    add_membership,
    appoint_trust_lead,
    create_person,
    end_membership,
    end_parent_link,
    end_trust_lead,
    link_parent,
    link_parent_from_trust,
    send_invitation,
    update_school_settings,
)


def get_school(request, slug, rule="esafety.view_school") -> School:
    """The school if the user can see it (else 404) and the rule allows (else 403)."""
    school = get_object_or_404(School.objects.visible_to(request.user), slug=slug)
    require(request.user, rule, school)
    return school


def get_person(school: School, user_pk: int) -> User:
    """A person who has (or had) a role in this school; anyone else is not found."""
    return get_object_or_404(User.objects.filter(memberships__school=school).distinct(), pk=user_pk)


class MembershipFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name, email or MIS reference", method="search")
    role = django_filters.ChoiceFilter(choices=Role.choices, empty_label="All roles")
    year_group = django_filters.NumberFilter(label="Year group")
    show_ended = django_filters.BooleanFilter(
        label="Include people who have left",
        method="filter_ended",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Membership
        fields = ["q", "role", "year_group"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(user__full_name__icontains=value)
            | Q(user__email__icontains=value)
            | Q(external_id__iexact=value)
        )

    def filter_ended(self, queryset, name, value):
        return queryset if value else queryset & Membership.objects.active()


def people_list(request, slug):
    school = get_school(request, slug, "esafety.manage_people")
    memberships = (
        Membership.objects.visible_to(request.user)
        .filter(school=school)
        .select_related("user")
        .order_by("user__full_name", "role")
    )
    people_filter = MembershipFilter(request.GET, queryset=memberships)
    page = Paginator(people_filter.qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "esafety/people_list.html",
        {"school": school, "filter": people_filter, "page": page},
    )


def person_add(request, slug):
    """A double click adds the person once (a pupil with no email could be added twice)."""
    school = get_school(request, slug, "esafety.manage_people")
    form = PersonForm(request.POST or None, once=once_token(request))

    def add():
        data = form.cleaned_data
        try:
            membership = create_person(
                school=school,
                full_name=data["full_name"],
                email=data["email"],
                role=data["role"],
                staff_type=data["staff_type"],
                year_group=data["year_group"],
                class_name=data["class_name"],
                date_of_birth=data["date_of_birth"],
                external_id=data["external_id"],
                started_on=data["started_on"],
            )
        except ValidationError as error:
            add_errors(form, error)
            return show()
        if data["send_invitation"]:
            send_invitation(user=membership.user, invited_by=request.user)
            messages.success(request, f"{membership.user} was added and invited by email.")
        else:
            messages.success(request, f"{membership.user} was added.")
        return redirect("person-detail", slug=school.slug, user_pk=membership.user_id)

    def show():
        return render(request, "esafety/person_form.html", {"school": school, "form": form})

    if request.method == "POST" and form.is_valid():
        return first_time(
            request,
            add,
            while_saving=reverse("people", args=[school.slug]),
            repeated="You sent this person twice; they were added once.",
        )
    return show()


def links_ended_here(school: School):
    """The parent links a school's leads may end: those of a child who is (or was) a pupil
    at the school. A link to a child at another school is that school's to end."""
    return ParentLink.objects.filter(
        Exists(Membership.objects.filter(user=OuterRef("child_id"), school=school, role=Role.PUPIL))
    )


def person_detail(request, slug, user_pk):
    school = get_school(request, slug, "esafety.manage_people")
    person = get_person(school, user_pk)
    memberships = person.memberships.filter(school=school).order_by("-started_on")
    here = Exists(links_ended_here(school).filter(pk=OuterRef("pk")))
    links = ParentLink.objects.annotate(here=here).select_related("parent", "child", "ended_by")
    return render(
        request,
        "esafety/person_detail.html",
        {
            "school": school,
            "person": person,
            "memberships": memberships,
            "children": links.filter(parent=person),
            "parents": links.filter(child=person),
            "can_link_children": memberships.filter(role=Role.PARENT).exists(),
            "is_pupil": memberships.filter(role=Role.PUPIL, ended_on__isnull=True).exists(),
            "invitation": person.invitations.first(),
        },
    )


def membership_add(request, slug, user_pk):
    school = get_school(request, slug, "esafety.manage_people")
    person = get_person(school, user_pk)
    form = MembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            add_membership(user=person, school=school, **{k: data[k] for k in ROLE_FIELDS})
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{person} now has the new role.")
            return redirect("person-detail", slug=school.slug, user_pk=person.pk)
    return render(
        request,
        "esafety/simple_form.html",
        {
            "school": school,
            "form": form,
            "title": f"Give {person} a role",
            "back": person,
        },
    )


ROLE_FIELDS = [
    "role",
    "staff_type",
    "year_group",
    "class_name",
    "external_id",
    "started_on",
]


def membership_end(request, slug, pk):
    school = get_school(request, slug, "esafety.manage_people")
    membership = get_object_or_404(
        Membership.objects.visible_to(request.user).filter(school=school, ended_on__isnull=True),
        pk=pk,
    )
    form = EndMembershipForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            end_membership(membership=membership, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{membership.user}'s role as {membership.description} ends.")
            return redirect("person-detail", slug=school.slug, user_pk=membership.user_id)
    return render(
        request,
        "esafety/simple_form.html",
        {
            "school": school,
            "form": form,
            "title": f"End {membership.user}'s role: {membership.description}",
            "intro": "The person keeps their records; the role stops giving access from this date.",
            "back": membership.user,
        },
    )


def parent_link_add(request, slug, user_pk):
    school = get_school(request, slug, "esafety.manage_people")
    parent = get_person(school, user_pk)
    form = ParentLinkForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            link_parent(
                parent=parent,
                child=form.cleaned_data["child"],
                relationship=form.cleaned_data["relationship"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{parent} is now linked to {form.cleaned_data['child']}.")
            return redirect("person-detail", slug=school.slug, user_pk=parent.pk)
    return render(
        request,
        "esafety/simple_form.html",
        {
            "school": school,
            "form": form,
            "title": f"Link {parent} to a child",
            "back": parent,
        },
    )


def parent_link_end(request, slug, pk):
    """End a parent's link to a child of this school, with the reason; back to the page it
    was opened from (the child's or the parent's)."""
    school = get_school(request, slug, "esafety.manage_people")
    link = get_object_or_404(
        links_ended_here(school).select_related("parent", "child", "ended_by"), pk=pk
    )
    back = link.parent if request.GET.get("from") == "parent" else link.child
    back_url = reverse("person-detail", args=[school.slug, back.pk])
    if link.ended_on is not None and request.method != "POST":
        messages.info(
            request, f"The link between {link.parent} and {link.child} has already ended."
        )
        return redirect(back_url)
    form = EndParentLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            end_parent_link(link=link, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            if was_already_done(error):
                return redirect_as_done(request, error.messages[0], back_url)
            add_errors(form, error)
        else:
            messages.success(
                request, f"{link.parent} is no longer linked to {link.child} from today."
            )
            return redirect(back_url)
    return render(
        request,
        "esafety/simple_form.html",
        {
            "school": school,
            "form": form,
            "title": f"End {link.parent}'s link to {link.child}",
            "intro": f"From today {link.parent} no longer sees {link.child} on their pages or "
            f"signs for them. The link stays on record with the reason, and can be made "
            f"again later.",
            "back": back,
        },
    )


def parent_from_trust_add(request, slug, user_pk):
    """Link a child here to a parent already known at another school of the trust."""
    school = get_school(request, slug, "esafety.manage_people")
    child = get_person(school, user_pk)
    form = ParentFromTrustForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            link = link_parent_from_trust(school=school, child=child, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, f"{link.parent} is now linked to {child} and is a parent here."
            )
            return redirect("person-detail", slug=school.slug, user_pk=child.pk)
    return render(
        request,
        "esafety/simple_form.html",
        {
            "school": school,
            "form": form,
            "title": f"Link {child} to a parent known at another school of the trust",
            "back": child,
        },
    )


@require_POST
def person_invite(request, slug, user_pk):
    school = get_school(request, slug, "esafety.manage_people")
    person = get_person(school, user_pk)
    try:
        send_invitation(user=person, invited_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"An invitation was emailed to {person.email}.")
    return redirect("person-detail", slug=school.slug, user_pk=person.pk)


def school_settings(request, slug):
    school = get_school(request, slug, "esafety.manage_school_settings")
    form = SchoolSettingsForm(request.POST or None, instance=school)
    if request.method == "POST" and form.is_valid():
        update_school_settings(school=school, changed_by=request.user, **form.cleaned_data)
        messages.success(request, "The school's settings were saved.")
        return redirect("school-settings", slug=school.slug)
    return render(request, "esafety/school_settings.html", {"school": school, "form": form})


# --- the trust safeguarding lead: the chair's page ------------------------------------

LEAD_HISTORY_SHOWN = 30


def chaired_trusts(request, rule="esafety.appoint_trust_lead"):
    """The trusts this person chairs, for a chair's page under `rule` (403 for anyone
    else)."""
    require(request.user, rule)
    return Trust.objects.filter(pk__in=access_for(request.user).chair_trust_ids).order_by("name")


def trust_leads(request):
    """The chair of trustees: who is the trust's safeguarding lead, appoint one, end one,
    and every appointment and ending with who made it."""
    trusts = chaired_trusts(request)
    form = TrustLeadForm(request.POST or None, trusts=trusts, once=once_token(request))

    def appoint():
        data = form.cleaned_data
        try:
            lead = appoint_trust_lead(
                trust=data["trust"],
                by=request.user,
                email=data["email"],
                full_name=data["full_name"],
            )
        except ValidationError as error:
            if was_already_done(error):
                return redirect_as_done(request, error.messages[0], "trust-leads")
            add_errors(form, error)
            return show()
        messages.success(
            request,
            f"{lead.user} is now the trust safeguarding lead. They must set up two-factor "
            "sign-in the first time they sign in.",
        )
        return redirect("trust-leads")

    def show():
        today = timezone.localdate()
        leads = TrustLead.objects.filter(trust__in=trusts).select_related("user", "trust")
        return render(
            request,
            "esafety/trust_leads.html",
            {
                "form": form,
                "current": [
                    lead for lead in leads if lead.ended_on is None or lead.ended_on > today
                ],
                "several_trusts": len(trusts) > 1,
                "history": TrustLead.history.filter(trust__in=trusts)
                .select_related("history_user", "user", "trust")
                .order_by("-history_date")[:LEAD_HISTORY_SHOWN],
            },
            status=400 if form.errors else 200,
        )

    if request.method == "POST" and form.is_valid():
        return first_time(
            request,
            appoint,
            while_saving="trust-leads",
            repeated="You sent this twice; the lead was appointed once.",
        )
    return show()


def trust_lead_end(request, pk):
    trusts = chaired_trusts(request)
    lead = get_object_or_404(
        TrustLead.objects.filter(trust__in=trusts).select_related("user", "trust"), pk=pk
    )
    if lead.ended_on is not None and request.method != "POST":
        messages.info(request, f"{lead.user} is no longer a trust safeguarding lead.")
        return redirect("trust-leads")
    form = EndTrustLeadForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            end_trust_lead(lead=lead, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            if was_already_done(error):
                return redirect_as_done(request, error.messages[0], "trust-leads")
            add_errors(form, error)
        else:
            messages.success(request, f"{lead.user} is no longer the trust safeguarding lead.")
            return redirect("trust-leads")
    return render(
        request,
        "esafety/trust_lead_end.html",
        {"form": form, "lead": lead},
    )
