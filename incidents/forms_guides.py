"""Editing a step of a school's own guide: its texts and its answers' wording. Where the
answers lead, and what they fill in on the incident form, stay as they are."""

from django import forms
from django.utils.text import Truncator

from esafety.validators import CheckedFormMixin

from .forms import TypedTextMixin
from .models_guides import GuideStep, StepKind

ANSWER_PREFIX = "answer_"
NOT_SHOWN = {StepKind.QUESTION: ("do_now", "do_not", "tell"), StepKind.END: ("do_not",)}


class StepForm(TypedTextMixin, CheckedFormMixin, forms.ModelForm):
    submit_label = "Save this step"

    class Meta:
        model = GuideStep
        fields = ["text", "do_now", "do_not", "tell"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3}) for name in ("text", "do_now", "do_not", "tell")
        }
        labels = {
            "text": "The question, or what this step is about",
            "do_now": "What to do now",
            "do_not": "What not to do",
            "tell": "Whom to tell in school",
        }

    def __init__(self, *args, **kwargs):
        self.answers = list(kwargs["instance"].answers.all())
        # The answers' boxes join the form's own before it is built, so the shared checks
        # (CheckedFormMixin) cover them too.
        self.base_fields = {**type(self).base_fields, **self._answer_fields()}
        super().__init__(*args, **kwargs)
        # Only the texts a walk shows for this kind of step: a question is asked with its
        # answers; an end says what to record and whom to tell.
        for name in NOT_SHOWN.get(self.instance.kind, ()):
            del self.fields[name]

    def _answer_fields(self) -> dict:
        return {
            f"{ANSWER_PREFIX}{answer.pk}": forms.CharField(
                label=f"Answer {number}",
                max_length=200,
                initial=answer.label,
                help_text=f"Leads to: {Truncator(answer.next_step.text).words(12)}",
            )
            for number, answer in enumerate(self.answers, start=1)
        }

    def answer_labels(self) -> dict:
        return {a.pk: self.cleaned_data[f"{ANSWER_PREFIX}{a.pk}"] for a in self.answers}
