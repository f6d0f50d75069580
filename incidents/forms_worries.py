"""The "report a worry" forms: short, in a child's words (and a parent's), no files."""

from django import forms

from esafety.forms import SentOnceMixin
from esafety.validators import CheckedFormMixin

from .worries import ABOUT, PARENT_ABOUT, WHERE

WHAT_MAX_LENGTH = 4000


def _choices(table):
    return [(key, label) for key, (label, _) in table.items()]


class WorryForm(CheckedFormMixin, SentOnceMixin, forms.Form):
    what = forms.CharField(
        label="What happened?",
        max_length=WHAT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Say it in your own words. Don't send pictures or screenshots: just tell "
        "us what you saw.",
    )
    where = forms.ChoiceField(
        label="Where did it happen?", choices=_choices(WHERE), widget=forms.RadioSelect
    )
    told = forms.CharField(
        label="Have you told anyone else? Who?",
        required=False,
        max_length=300,
        help_text="For example a teacher, a parent or carer, or a friend. You can leave "
        "this empty.",
    )
    # A box people never see (hidden by the page's CSS and from screen readers): a program
    # that fills in every box fills it in, and its report is dropped.
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


class PupilWorryForm(WorryForm):
    about = forms.ChoiceField(
        label="Who is it about?", choices=_choices(ABOUT), widget=forms.RadioSelect
    )
    send_name = forms.BooleanField(
        label="Send my name, so an adult can talk to me about it",
        required=False,
        initial=True,
        help_text="Untick this to send it without your name. Then nobody can see who sent it.",
    )
    field_order = ["about", "what", "where", "told", "send_name"]

    def __init__(self, *args, signed_in_pupil: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not signed_in_pupil:
            del self.fields["send_name"]


class ParentWorryForm(WorryForm):
    about = forms.ChoiceField(
        label="Who is it about?", choices=_choices(PARENT_ABOUT), widget=forms.RadioSelect
    )
    child = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Which of your children is it about, or affects?",
        empty_label="None of them, or I'd rather not say",
    )
    field_order = ["about", "child", "what", "where", "told"]

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children
        self.fields[
            "what"
        ].help_text = "What you know, in your own words. Please don't send or forward any pictures."
        self.fields["told"].help_text = "For example your child's teacher, or the police."
