"""CSV import of pupils, staff and parents (the rules are in esafety/people_import.py)."""

from django import forms
from django.http import HttpResponse
from django.shortcuts import render

from .figures import invalidate
from .forms import PeopleImportForm
from .models import Membership, ParentLink
from .people_import import COLUMNS, import_people, template_csv
from .views_people import get_school


class ImportForm(PeopleImportForm):
    check_only = forms.BooleanField(
        required=False,
        label="Only check the file – don't import anything yet",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".csv,.txt,text/csv"


def people_import(request, slug):
    school = get_school(request, slug, "esafety.manage_people")
    result = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            result = import_people(
                school=school,
                uploaded_file_or_text=form.cleaned_data["file"],
                imported_by=request.user,
                dry_run=form.cleaned_data["check_only"],
            )
            if result.imported:  # written in bulk: no save signals reach the figures
                invalidate(model=Membership, schools=[school])
                invalidate(model=ParentLink, schools=[school])
            form = ImportForm()
    else:
        form = ImportForm()
    return render(
        request,
        "esafety/people_import.html",
        {"school": school, "form": form, "result": result, "columns": COLUMNS},
    )


def people_import_template(request, slug):
    get_school(request, slug, "esafety.manage_people")
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="people-import-template.csv"'
    return response
