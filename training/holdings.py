"""What the training app holds about a person, for a subject access request: their
training records. Only records the searcher may see (`TrainingRecord.objects.visible_to`).
One query."""

from esafety.subject_access.holdings import Held, register_holding

from .models import TrainingRecord


def held_about(person, *, searcher, school) -> list[Held]:
    records = TrainingRecord.objects.visible_to(searcher).filter(person=person, school=school)
    found = []
    for record in records:
        details = [
            ("Training", record.title),
            (
                "Done on" if record.completed_on else "Planned by",
                _date(record.completed_on or record.due_on),
            ),
            ("Provider", record.provider),
            ("Hours", str(record.hours) if record.hours is not None else ""),
            ("Notes", record.notes),
            ("Verified", _date(record.verified_at) if record.verified_at else ""),
        ]
        found.append(
            Held(
                kind="Training record",
                title=record.title,
                date=record.completed_on or record.due_on,
                url=record.get_absolute_url(),
                ref=f"record:{record.pk}",
                details=tuple((label, value) for label, value in details if value),
            )
        )
    return found


def _date(value) -> str:
    return f"{value:%-d %B %Y}" if value else ""


register_holding("training", held_about, label="Training")
