"""The forms of the safeguarding cover page. The rules are in cover.py."""

import datetime

from django import forms
from django.utils import timezone

from esafety.forms import CrispyMixin, DateInput, SentOnceMixin

from .models_cover import Absence

FURTHEST_AHEAD = datetime.timedelta(days=366)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email or f"Person {obj.pk}"


class AbsenceForm(CrispyMixin, SentOnceMixin, forms.Form):
    submit_label = "Record the absence"

    person = PersonChoiceField(queryset=None, label="Who is away", empty_label=None)
    away_from = forms.DateField(label="Away from", widget=DateInput)
    away_to = forms.DateField(
        label="Last day away", widget=DateInput, help_text="The same day for one day."
    )
    note = forms.CharField(
        label="Note (optional)",
        max_length=200,
        required=False,
        help_text="For the other leads only, e.g. a course or a trip. Other staff don't see it.",
    )

    def __init__(self, *args, school, people, me, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["person"].queryset = people
        today = timezone.localdate()
        self.fields["away_from"].initial = today
        self.fields["away_to"].initial = today
        if people.filter(pk=me.pk).exists():
            self.fields["person"].initial = me.pk

    def clean(self):
        data = super().clean()
        start, end, person = data.get("away_from"), data.get("away_to"), data.get("person")
        if not (start and end):
            return data
        today = timezone.localdate()
        if end < start:
            self.add_error("away_to", "The last day away can't be before the first.")
        elif end < today:
            self.add_error("away_to", "That is in the past: record absences from today on.")
        elif start > today + FURTHEST_AHEAD:
            self.add_error("away_from", "That is more than a year away.")
        elif person and self._overlaps(person, start, end):
            self.add_error(
                "away_from", f"{person} is already recorded as away on some of these days."
            )
        return data

    def _overlaps(self, person, start, end) -> bool:
        return Absence.objects.filter(
            school=self.school, person=person, away_from__lte=end, away_to__gte=start
        ).exists()


class LeadForm(CrispyMixin, forms.Form):
    submit_label = "Name the lead"

    lead = PersonChoiceField(
        queryset=None,
        label="Designated safeguarding lead",
        empty_label=None,
        widget=forms.RadioSelect,
        help_text="Chosen from the school's e-safety officers; the others are its deputy DSLs.",
    )

    def __init__(self, *args, officers, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = officers
        if current is not None:
            self.fields["lead"].initial = current.pk
