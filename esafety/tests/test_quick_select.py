"""QuickSelect renders a drop-down in Python with the same HTML as Django's templates."""

from html.parser import HTMLParser

from django import forms

from esafety.widgets import QuickSelect, quick_selects

CHOICES = [
    ("", "Not sure"),
    ("Pupils", [("pupil_a", "Pupil category A"), ("pupil_b", 'B & "quoted" <b>')]),
    ("Staff", [("staff_a", "Staff category A")]),
    ("other", "Other"),
]


class _Parts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        self.parts.append((tag, sorted(attrs)))

    def handle_endtag(self, tag):
        self.parts.append(("/" + tag,))

    def handle_data(self, data):
        if data.strip():
            self.parts.append(data)


def _normalised(html: str) -> list:
    """What a browser reads: tags, their attributes in any order, text; not the
    whitespace between tags."""
    parser = _Parts()
    parser.feed(html)
    return parser.parts


def test_the_same_html_as_djangos_select_with_groups_a_choice_and_attributes():
    attrs = {"id": "id_category", "class": "form-select", "aria-describedby": "help"}
    for value in ("", "pupil_b", "other", None):
        django = forms.Select(choices=CHOICES).render("category", value, attrs=attrs)
        quick = QuickSelect(choices=CHOICES).render("category", value, attrs=attrs)
        assert _normalised(quick) == _normalised(django)
    assert "B &amp; &quot;quoted&quot; &lt;b&gt;" in quick


def test_a_form_keeps_its_values_and_other_widgets():
    class Sample(forms.Form):
        category = forms.ChoiceField(choices=CHOICES)
        kinds = forms.MultipleChoiceField(choices=[("a", "A")], widget=forms.CheckboxSelectMultiple)

    form = Sample(data={"category": "staff_a", "kinds": ["a"]})
    before = str(form["category"])
    quick_selects(form)
    assert type(form.fields["category"].widget) is QuickSelect
    assert type(form.fields["kinds"].widget) is forms.CheckboxSelectMultiple
    assert _normalised(str(form["category"])) == _normalised(before)
    assert 'value="staff_a" selected' in str(form["category"])
    assert form.is_valid()
