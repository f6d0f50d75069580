"""Managing people in a school: the headteacher and e-safety officer's pages."""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .forms import (
    EndMembershipForm,
    MembershipForm,
    ParentFromTrustForm,
    ParentLinkForm,
    PersonForm,
    SchoolSettingsForm,
    add_errors,
)
from .models import Membership, ParentLink, Role, School, User
from .roles import require
from .services import (
    add_membership,
    create_person,
    end_membership,
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
    school = get_school(request, slug, "esafety.manage_people")
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
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
        else:
            if data["send_invitation"]:
                send_invitation(user=membership.user, invited_by=request.user)
                messages.success(request, f"{membership.user} was added and invited by email.")
            else:
                messages.success(request, f"{membership.user} was added.")
            return redirect("person-detail", slug=school.slug, user_pk=membership.user_id)
    return render(request, "esafety/person_form.html", {"school": school, "form": form})


def person_detail(request, slug, user_pk):
    school = get_school(request, slug, "esafety.manage_people")
    person = get_person(school, user_pk)
    memberships = person.memberships.filter(school=school).order_by("-started_on")
    return render(
        request,
        "esafety/person_detail.html",
        {
            "school": school,
            "person": person,
            "memberships": memberships,
            "children": ParentLink.objects.filter(parent=person).select_related("child"),
            "parents": ParentLink.objects.filter(child=person).select_related("parent"),
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
    form = EndMembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            end_membership(membership=membership, ended_on=form.cleaned_data["ended_on"])
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
