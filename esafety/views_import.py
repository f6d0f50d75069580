"""CSV import of pupils, staff and parents (the rules are in esafety/people_import.py)."""

from django.http import HttpResponse
from django.shortcuts import render

from .views_people import get_school


def people_import(request, slug):
    school = get_school(request, slug, "esafety.manage_people")
    return render(request, "esafety/people_import.html", {"school": school})


def people_import_template(request, slug):
    get_school(request, slug, "esafety.manage_people")
    return HttpResponse("", content_type="text/csv")
