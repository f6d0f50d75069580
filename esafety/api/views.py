"""The school's integrations page (its API keys: make, show once, revoke, see each use)
and the API's own documentation page, written from its OpenAPI schema."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..forms import CrispyMixin, SentOnceMixin, add_errors
from ..models import ApiToken, ApiUse
from ..once import FIELD, first_time, once_token
from ..roles import require
from ..views_people import get_school
from .tokens import make_token, revoke_token, scopes_for

USES_SHOWN = 200
NEW_KEY = "api-new-key"  # the session's one showing of a new key


class TokenForm(CrispyMixin, SentOnceMixin, forms.Form):
    submit_label = "Make the key"
    name = forms.CharField(
        max_length=100,
        label="What it is for",
        help_text="The product and what it does, for example: Smoothwall monitoring alerts.",
    )
    scopes = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, label="What the key may do"
    )

    def __init__(self, *args, scopes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [(s.name, s.label) for s in scopes]


def integrations(request, slug):
    school = get_school(request, slug, "esafety.manage_api_tokens")
    form = TokenForm(
        request.POST or None, scopes=scopes_for(request.user, school), once=once_token(request)
    )

    def make():
        try:
            token, key = make_token(
                school=school,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
            return _page(request, school, form)
        request.session[NEW_KEY] = {"pk": token.pk, "key": key}
        return redirect("api-tokens", slug=school.slug)

    if request.method == "POST" and form.is_valid():
        form.cleaned_data.pop(FIELD, None)
        return first_time(
            request, make, while_saving=request.path, repeated="You sent this twice: one key."
        )
    return _page(request, school, form)


def _page(request, school, form):
    week_ago = timezone.now() - timezone.timedelta(days=7)
    tokens = (
        ApiToken.objects.filter(school=school)
        .select_related("created_by", "revoked_by")
        .annotate(uses_this_week=Count("uses", filter=Q(uses__at__gte=week_ago)))
    )
    return render(
        request,
        "esafety/api/integrations.html",
        {
            "school": school,
            "form": form,
            "tokens": tokens,
            "new_key": request.session.pop(NEW_KEY, None),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def revoke(request, slug, pk):
    school = get_school(request, slug, "esafety.manage_api_tokens")
    token = get_object_or_404(ApiToken, school=school, pk=pk)
    revoke_token(token=token, by=request.user)
    messages.success(request, f"The key for {token.name} was revoked: it no longer works.")
    return redirect("api-tokens", slug=school.slug)


def uses(request, slug, pk):
    school = get_school(request, slug, "esafety.manage_api_tokens")
    token = get_object_or_404(ApiToken, school=school, pk=pk)
    return render(
        request,
        "esafety/api/uses.html",
        {
            "school": school,
            "token": token,
            "uses": ApiUse.objects.filter(token=token).order_by("-at")[:USES_SHOWN],
            "shown": USES_SHOWN,
        },
    )


def documentation(request):
    """Every operation of the API in plain HTML (no script): what it does, what to send,
    what comes back. The machine-readable schema is at api-schema."""
    from drf_spectacular.generators import SchemaGenerator

    require(request.user, "esafety.read_api_docs")
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "scope": operation.get("x-scope", ""),
                    "request": _fields(schema, operation.get("requestBody")),
                    "responses": sorted(operation.get("responses", {}).items()),
                }
            )
    return render(request, "esafety/api/documentation.html", {"operations": operations})


def _fields(schema, body) -> list[dict]:
    """The request body's fields: name, type, required, what it means, its choices."""
    if not body:
        return []
    media = body.get("content", {}).get("application/json", {})
    component = _component(schema, media.get("schema", {}))
    required = set(component.get("required", []))
    fields = []
    for name, spec in component.get("properties", {}).items():
        if spec.get("readOnly"):
            continue
        choices = spec.get("enum") or next(
            (_component(schema, part).get("enum") for part in spec.get("allOf", [])), None
        )
        fields.append(
            {
                "name": name,
                "type": "one of the choices" if choices else _type_of(spec),
                "required": name in required,
                "description": spec.get("description", ""),
                "choices": choices or [],
            }
        )
    return fields


def _component(schema, spec) -> dict:
    ref = spec.get("$ref", "")
    return schema.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1], {})


def _type_of(spec) -> str:
    kind = spec.get("type", "")
    if spec.get("format") == "date-time":
        return "date and time (ISO 8601)"
    if kind == "string" and spec.get("maxLength"):
        return f"text, up to {spec['maxLength']} characters"
    return {"string": "text", "integer": "whole number", "boolean": "true or false"}.get(kind, kind)
