"""The register's filters and sort orders."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from esafety.params import parse_id
from esafety.widgets import style_filter_form

from .forms import staff_of
from .models import Category, Matrix, Status

SORTS = {
    "number": ("number",),
    "score": ("-score", "number"),
    "review": ("review_due", "number"),
    "title": ("title",),
    "status": ("status", "number"),
}
REVIEW_CHOICES = [("due", "Due in 14 days or overdue"), ("overdue", "Overdue")]


def band_labels(school) -> list[str]:
    """The bands of every matrix the school's risks may be on (the trust's and the seed's)."""
    matrices = Matrix.objects.filter(Q(trust=school.trust_id) | Q(trust__isnull=True))
    labels = []
    for bands in matrices.order_by("size", "created_at").values_list("bands", flat=True):
        labels += [band["label"] for band in bands if band["label"] not in labels]
    return labels


class RegisterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search")
    status = django_filters.ChoiceFilter(
        choices=Status.choices, empty_label="Open, treated or accepted"
    )
    band = django_filters.CharFilter(label="Band", method="in_band")
    category = django_filters.ChoiceFilter(choices=Category.choices, empty_label="Any category")
    owner = django_filters.ModelChoiceFilter(
        field_name="owners", queryset=None, empty_label="Anyone", label="Owner"
    )
    review = django_filters.ChoiceFilter(
        choices=REVIEW_CHOICES, method="review_due", empty_label="Any review date", label="Review"
    )
    sort = django_filters.ChoiceFilter(
        choices=[(k, k.capitalize()) for k in SORTS],
        method="sorted",
        empty_label="Highest score",
        label="Sort by",
    )
    # A heat map cell: ?cell=current-3-3 (which, likelihood, impact) with ?matrix=<id>.
    cell = django_filters.CharFilter(method="in_cell", widget=forms.HiddenInput)
    matrix = django_filters.NumberFilter(field_name="matrix_id", widget=forms.HiddenInput)

    def __init__(self, data=None, *args, school, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["owner"].queryset = staff_of(school)
        self.form.fields["owner"].queryset = staff_of(school)
        band_choices = [("", "Any band")] + [(b, b) for b in band_labels(school)]
        self.form.fields["band"].widget = forms.Select(choices=band_choices)
        style_filter_form(self.form)

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.exclude(status=Status.CLOSED)
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by("-band_rank", "-score", "number")
        return queryset

    def search(self, queryset, name, value):
        number = value.upper().removeprefix("R-").lstrip("0")
        match = Q(title__icontains=value) | Q(description__icontains=value)
        if (wanted := parse_id(number)) is not None:
            match |= Q(number=wanted)
        return queryset.filter(match)

    def in_band(self, queryset, name, value):
        return queryset.filter(band__iexact=value)

    def review_due(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.filter(review_due__lt=today)
        return queryset.filter(review_due__lte=today + datetime.timedelta(days=14))

    def sorted(self, queryset, name, value):
        return queryset.order_by(*SORTS[value])

    def in_cell(self, queryset, name, value):
        which, _, rest = value.partition("-")
        likelihood, _, impact = rest.partition("-")
        likelihood, impact = parse_id(likelihood), parse_id(impact)
        if likelihood is None or impact is None:
            return queryset.none()
        if which == "inherent":
            return queryset.filter(inherent_likelihood=likelihood, inherent_impact=impact)
        return queryset.filter(likelihood=likelihood, impact=impact)
