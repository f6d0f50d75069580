"""A pupil's vulnerability flags: seen and set by the school's leads."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from .flags import set_flags
from .models import Role, User
from .models_flags import PupilFlag, Vulnerability
from .validators import CheckedFormMixin
from .views_people import get_school


class FlagsForm(CheckedFormMixin, forms.Form):
    flags = forms.MultipleChoiceField(
        label="This pupil is",
        choices=Vulnerability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Untick a flag that no longer applies: it ends today and stays in the record.",
    )


def pupil_flags(request, slug, user_pk):
    school = get_school(request, slug, "esafety.manage_pupil_flags")
    pupils = User.objects.filter(memberships__school=school, memberships__role=Role.PUPIL)
    pupil = get_object_or_404(pupils.distinct(), pk=user_pk)
    records = PupilFlag.objects.filter(school=school, pupil=pupil).select_related("recorded_by")
    current = [f.flag for f in records if f.ended_on is None]
    form = FlagsForm(request.POST or None, initial={"flags": current})
    if request.method == "POST" and form.is_valid():
        added, ended = set_flags(
            school=school, pupil=pupil, flags=form.cleaned_data["flags"], by=request.user
        )
        changed = len(added) + len(ended)
        messages.success(
            request, "The flags were saved." if changed else "Nothing changed: no flag was saved."
        )
        return redirect("pupil-flags", slug=slug, user_pk=pupil.pk)
    return render(
        request,
        "esafety/pupil_flags.html",
        {
            "school": school,
            "pupil": pupil,
            "form": form,
            "records": records.order_by("-started_on", "flag"),
        },
        status=400 if form.errors else 200,
    )
