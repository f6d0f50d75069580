"""Local contacts: a school's directory (its staff read it, its leads keep it), and the
trust's shared entries (trustees read them, the chair and the trust lead keep them)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from .contacts import (
    EDITABLE_KINDS,
    URGENT_KINDS,
    add_contact,
    change_contact,
    contacts_for,
    contacts_for_trust,
    remove_contact,
    starting_values,
    trusts_editable_by,
    trusts_readable_by,
)
from .forms import add_errors
from .forms_contacts import FIELDS, LocalContactForm, NewLocalContactForm
from .models_contacts import ContactKind, LocalContact
from .once import first_time, once_token, redirect_as_done
from .roles import allowed, require
from .views_people import get_school

HISTORY_SHOWN = 20


def school_contacts(request, slug):
    school = get_school(request, slug, "esafety.view_local_contacts")
    entries = contacts_for(school)
    return render(
        request,
        "esafety/contacts/school.html",
        {
            "school": school,
            "urgent": [e for e in entries if e.kind in URGENT_KINDS],
            "others": [e for e in entries if e.kind not in URGENT_KINDS],
            "can_edit": allowed(request.user, "esafety.edit_local_contacts", school),
            "reads_trust": allowed(request.user, "esafety.view_trust_contacts"),
            "history": _history(school_id=school.pk),
        },
    )


def school_contact_add(request, slug):
    school = get_school(request, slug, "esafety.edit_local_contacts")
    back = reverse("local-contacts", args=[school.slug])
    return _add(request, back, school=school)


def school_contact_edit(request, slug, pk):
    school = get_school(request, slug, "esafety.edit_local_contacts")
    back = reverse("local-contacts", args=[school.slug])
    contact = _contact_or_404(request, back, school=school, pk=pk)
    if not isinstance(contact, LocalContact):
        return contact  # removed already
    return _edit(request, contact, back, school=school)


def trust_contacts(request):
    require(request.user, "esafety.view_trust_contacts")
    editable = set(trusts_editable_by(request.user).values_list("pk", flat=True))
    trusts = [
        (trust, contacts_for_trust(trust), trust.pk in editable)
        for trust in trusts_readable_by(request.user).prefetch_related("schools")
    ]
    return render(
        request,
        "esafety/contacts/trust.html",
        {
            "trusts": trusts,
            "history": _history(trust_id__in=[trust.pk for trust, _, _ in trusts]),
        },
    )


def trust_contact_add(request, trust_pk):
    trust = _editable_trust(request, trust_pk)
    return _add(request, reverse("trust-contacts"), trust=trust)


def trust_contact_edit(request, trust_pk, pk):
    trust = _editable_trust(request, trust_pk)
    back = reverse("trust-contacts")
    contact = _contact_or_404(request, back, trust=trust, pk=pk)
    if not isinstance(contact, LocalContact):
        return contact  # removed already
    return _edit(request, contact, back, trust=trust)


# --- shared by the school's and the trust's pages ----------------------------------------


def _editable_trust(request, trust_pk):
    """403 for anyone who keeps no trust's list; 404 for a trust that is not theirs."""
    require(request.user, "esafety.edit_trust_contacts")
    trust = get_object_or_404(trusts_editable_by(request.user), pk=trust_pk)
    require(request.user, "esafety.edit_trust_contacts", trust)
    return trust


def _contact_or_404(request, back, *, pk, **owner):
    """The school's (or trust's) entry; "Remove" clicked twice goes back to the list with
    a note; an entry that never was theirs is not found."""
    contact = LocalContact.objects.filter(pk=pk, **owner).first()
    if contact is not None:
        return contact
    if "remove" in request.POST and LocalContact.history.filter(id=pk, **owner).exists():
        return redirect_as_done(request, "This entry was removed already.", back)
    raise Http404("No such entry.")


def _history(**where):
    return (
        LocalContact.history.filter(**where)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:HISTORY_SHOWN]
    )


def _kind_asked(request) -> str:
    kind = request.GET.get("kind", "")
    return kind if kind in dict(EDITABLE_KINDS) else ContactKind.OTHER


def _add(request, back, *, school=None, trust=None):
    initial = starting_values(_kind_asked(request), school=school, trust=trust)
    form = NewLocalContactForm(request.POST or None, initial=initial, once=once_token(request))

    def add():
        data = {f: form.cleaned_data[f] for f in FIELDS}
        try:
            contact = add_contact(by=request.user, school=school, trust=trust, **data)
        except ValidationError as error:
            add_errors(form, error)
            return _form_page(request, form, back, school=school, trust=trust)
        messages.success(request, f"{contact.name} was added.")
        return redirect(back)

    if request.method == "POST" and form.is_valid():
        return first_time(
            request, add, while_saving=back, repeated="You sent this twice; it was added once."
        )
    return _form_page(request, form, back, school=school, trust=trust)


def _edit(request, contact, back, *, school=None, trust=None):
    if request.method == "POST" and "remove" in request.POST:
        remove_contact(contact=contact, by=request.user)
        messages.success(request, f"{contact.name} was removed.")
        return redirect(back)
    form = LocalContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in FIELDS}
        try:
            change_contact(contact=contact, by=request.user, **data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{data['name']} was saved.")
            return redirect(back)
    return _form_page(request, form, back, school=school, trust=trust, contact=contact)


def _form_page(request, form, back, *, school=None, trust=None, contact=None):
    return render(
        request,
        "esafety/contacts/form.html",
        {
            "form": form,
            "back": back,
            "school": school,
            "trust": trust,
            "contact": contact,
            "falls_back_to": _falls_back_to(contact, school),
        },
        status=400 if form.errors else 200,
    )


def _falls_back_to(contact, school) -> str:
    """What shows instead of this entry once it is removed."""
    if contact is None or contact.kind == ContactKind.OTHER:
        return ""
    if (
        school is not None
        and LocalContact.objects.filter(trust_id=school.trust_id, kind=contact.kind).exists()
    ):
        return "the trust's entry"
    return "the standard entry"
