"""The "What to do if..." guides: which guides a school reads, walking one (the answers
chosen so far travel in the address, so a step can be bookmarked or shared), what the end
fills in on the incident form, recording that someone walked a guide to its end, and a
school making its own copy to edit.

The standard set (guides_standard.py) is loaded on first use rather than by a migration:
a guide added to the code appears without one, and a test database emptied between tests
gets it back."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from esafety.models import School, User
from esafety.params import parse_id, parse_int
from esafety.services import attributed
from training.services import record_guide_walked

from .guides_standard import STANDARD_GUIDES
from .models import Answer, Location, RiskArea, Subject
from .models_guides import EndAction, Guide, GuideAnswer, GuideCompletion, GuideStep, StepKind

# The incident form's fields a guide may fill in, and the values each accepts. Anything
# else in a guide's data (a typing slip, an old value) is left out, never an error.
CHOICES = {
    "subject": Subject.values,
    "location": Location.values,
    "risk_area": RiskArea.values,
    "child_at_risk_now": Answer.values,
    "contact_from_older": Answer.values,
    "image_of_child": Answer.values,
}
PREFILL_FIELDS = (*CHOICES, "suspected_illegal_material", "description")
PATH_SEPARATOR = "-"
LONGEST_WALK = 40  # more answers than any guide has steps: a made-up address


def clean_prefill(values) -> dict:
    """Only the fields the incident form has, with values it accepts."""
    if not isinstance(values, dict):
        return {}
    cleaned = {}
    for name, value in values.items():
        is_choice = name in CHOICES and value in CHOICES[name]
        if is_choice or (name == "suspected_illegal_material" and isinstance(value, bool)):
            cleaned[name] = value
        elif name == "description" and isinstance(value, str):
            cleaned[name] = value[:2000]
    return cleaned


# --- the standard set and a school's guides --------------------------------------------------


def _create_guide(data: dict, school: School | None = None) -> Guide:
    guide = Guide.objects.create(
        school=school,
        slug=data["slug"],
        title=data["title"],
        summary=data.get("summary", ""),
        order=data.get("order", 0),
    )
    steps = {}
    for order, step in enumerate(data["steps"]):
        fields = {k: step[k] for k in ("do_now", "do_not", "tell", "contact_kinds") if k in step}
        steps[step["key"]] = GuideStep.objects.create(
            guide=guide,
            key=step["key"],
            order=order,
            kind=step["kind"],
            text=step["text"],
            end_action=step.get("end_action", ""),
            prefill=step.get("prefill", {}),
            **fields,
        )
    for step in data["steps"]:
        for order, (label, next_key, *prefill) in enumerate(step["answers"]):
            GuideAnswer.objects.create(
                step=steps[step["key"]],
                label=label,
                next_step=steps[next_key],
                order=order,
                prefill=prefill[0] if prefill else {},
            )
    return guide


def load_standard_guides(have: set[str]) -> bool:
    """Create the standard guides not in the database yet (`have`: the slugs there).
    Two first visits at once: the second finds them made and carries on."""
    missing = [data for data in STANDARD_GUIDES if data["slug"] not in have]
    if not missing:
        return False
    try:
        with transaction.atomic():
            for data in missing:
                _create_guide(data)
    except IntegrityError:
        pass
    return True


def guides_for(school: School, *, published_only=True) -> list[Guide]:
    """The school's guides in order: its own copies over the standard ones. One query
    (two, and the standard set made, on the very first visit)."""
    rows = list(Guide.objects.filter(Q(school=school) | Q(school__isnull=True)))
    if load_standard_guides({g.slug for g in rows if g.school_id is None}):
        rows = list(Guide.objects.filter(Q(school=school) | Q(school__isnull=True)))
    chosen = {}
    for guide in sorted(rows, key=lambda g: g.school_id is None):  # the school's first
        chosen.setdefault(guide.slug, guide)
    found = [g for g in chosen.values() if g.published or not published_only]
    return sorted(found, key=lambda g: (g.order, g.title))


def guide_for(school: School, slug: str, *, published_only=True) -> Guide | None:
    return next(
        (g for g in guides_for(school, published_only=published_only) if g.slug == slug), None
    )


# --- walking a guide ---------------------------------------------------------------------------


@dataclass
class Walk:
    """Where a walk has got to: the step now shown and the answers that led to it."""

    guide: Guide
    step: GuideStep
    taken: list = field(default_factory=list)  # (step, answer) pairs, in order
    choices: list = field(default_factory=list)  # the answers' positions (1 = the first)

    @property
    def path(self) -> str:
        return PATH_SEPARATOR.join(str(c) for c in self.choices)

    def path_after(self, position: int) -> str:
        return PATH_SEPARATOR.join(str(c) for c in [*self.choices, position])

    @property
    def back_path(self) -> str | None:
        return PATH_SEPARATOR.join(str(c) for c in self.choices[:-1]) if self.choices else None

    @property
    def prefill(self) -> dict:
        """The incident form's starting values: each answer's, then the end's, and a
        description opening with the questions and the answers given."""
        values = {}
        for _step, answer in self.taken:
            values.update(clean_prefill(answer.prefill))
        values.update(clean_prefill(self.step.prefill))
        lines = [f"Found with the guide '{self.guide.title}':"]
        lines += [
            f"- {step.text} {answer.label}."
            for step, answer in self.taken
            if step.kind == StepKind.QUESTION
        ]
        values["description"] = "\n".join(lines) + "\n\nWhat happened: "
        return clean_prefill(values)


def parse_path(path) -> list[int]:
    """'2-1-3' -> [2, 1, 3]; anything unreadable ends the list there."""
    choices = []
    for part in str(path or "").split(PATH_SEPARATOR)[:LONGEST_WALK]:
        choice = parse_int(part, low=1, high=99)
        if choice is None:
            break
        choices.append(choice)
    return choices


def walk(guide: Guide, path) -> Walk:
    """Follow the answers from the first step. An answer that does not exist (a guide
    edited since the address was made) stops the walk at the step it was given for."""
    steps = list(guide.steps.prefetch_related("answers"))  # two queries, however long
    if not steps:
        raise ValidationError("This guide has no steps.")
    by_pk = {step.pk: step for step in steps}
    current = Walk(guide, steps[0])
    for position in parse_path(path):
        answers = list(current.step.answers.all())
        if current.step.is_end or position > len(answers):
            break
        answer = answers[position - 1]
        current.taken.append((current.step, answer))
        current.choices.append(position)
        current.step = by_pk[answer.next_step_id]
    return current


def problems(guide: Guide) -> list[str]:
    """What would leave someone stuck: a step (not an end) with no answers, a step no walk
    reaches, a way round in a circle. Empty for a sound guide."""
    steps = {s.pk: s for s in guide.steps.prefetch_related("answers")}
    found, reached = [], set()

    def follow(step, on_the_way):
        reached.add(step.pk)
        answers = list(step.answers.all())
        if not step.is_end and not answers:
            found.append(f"'{step.key}' has no answers and is not an end")
        for answer in answers:
            after = steps[answer.next_step_id]
            if after.pk in on_the_way | {step.pk}:
                found.append(f"'{step.key}' leads back to '{after.key}'")
            else:
                follow(after, on_the_way | {step.pk})

    if steps:
        follow(next(iter(steps.values())), frozenset())
    found += [f"'{s.key}' is never reached" for pk, s in steps.items() if pk not in reached]
    return found


# --- the end: recording it and filling in the form ------------------------------------------


@transaction.atomic
def record_completion(*, user: User, school: School, walked: Walk) -> GuideCompletion:
    """Someone walked the guide to its end: kept once a day (the last walk's answers), and
    counted for any training that asks for this guide."""
    if not walked.step.is_end:
        raise ValidationError("Answer the guide's questions to its end first.")
    now = timezone.now()
    completion, _made = GuideCompletion.objects.update_or_create(
        user=user,
        guide=walked.guide,
        completed_on=timezone.localdate(now),
        defaults={
            "school": school,
            "completed_at": now,
            "path": walked.choices,
            "end_step": walked.step,
        },
    )
    record_guide_walked(
        person=user, school=school, guide_slug=walked.guide.slug, walked_on=completion.completed_on
    )
    return completion


def prefill_from_completion(user: User, completion_id) -> dict:
    """The incident form's starting values from the person's own walk (`?guide=<id>`);
    nothing for an id that is not a number, not theirs or not there."""
    completion_id = parse_id(completion_id)
    if completion_id is None:
        return {}
    completion = (
        GuideCompletion.objects.filter(pk=completion_id, user=user).select_related("guide").first()
    )
    if completion is None:
        return {}
    walked = walk(completion.guide, PATH_SEPARATOR.join(map(str, completion.path)))
    return walked.prefill if walked.step.end_action == EndAction.INCIDENT else {}


# --- a school's own copy -----------------------------------------------------------------------


def _as_data(guide: Guide) -> dict:
    steps = list(guide.steps.prefetch_related("answers__next_step"))
    return {
        "slug": guide.slug,
        "title": guide.title,
        "summary": guide.summary,
        "order": guide.order,
        "steps": [
            {
                **{f: getattr(s, f) for f in ("key", "kind", "text", "do_now", "do_not", "tell")},
                "contact_kinds": s.contact_kinds,
                "end_action": s.end_action,
                "prefill": s.prefill,
                "answers": [(a.label, a.next_step.key, a.prefill) for a in s.answers.all()],
            }
            for s in steps
        ],
    }


@transaction.atomic
def make_school_copy(*, school: School, guide: Guide, by: User) -> Guide:
    """The school's own copy of a standard guide, to edit; it replaces the standard one
    for the school at once. Asked twice: the copy already made."""
    if guide.school_id is not None:
        return guide
    existing = Guide.objects.filter(school=school, slug=guide.slug).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            copy = _create_guide(_as_data(guide), school=school)
    except IntegrityError:  # made by someone else at the same moment
        return Guide.objects.get(school=school, slug=guide.slug)
    attributed(copy, by, "Copied from the standard guide").save()
    return copy


@transaction.atomic
def save_step(*, step: GuideStep, answer_labels: dict, by: User) -> GuideStep:
    """A step's texts and its answers' labels ({answer id: label}), as edited."""
    if step.guide.school_id is None:
        raise ValidationError("Make the school's own copy before editing.")
    attributed(step, by, "Edited").save()
    for answer in step.answers.all():
        label = answer_labels.get(answer.pk, "").strip()
        if label and label != answer.label:
            answer.label = label
            attributed(answer, by, "Edited").save()
    return step
