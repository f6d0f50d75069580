"""What the devices app holds about a person, for a subject access request: devices lent
to them. Only loans the searcher may see (`Loan.objects.visible_to`). One query."""

from esafety.subject_access.holdings import Held, register_holding

from .models import Loan


def held_about(person, *, searcher, school) -> list[Held]:
    loans = (
        Loan.objects.visible_to(searcher)
        .filter(borrower=person, school=school)
        .select_related("device")
    )
    found = []
    for loan in loans:
        details = [
            ("Device", f"{loan.device.asset_tag} ({loan.device.get_kind_display()})"),
            ("Lent", f"{loan.created_at:%-d %B %Y}"),
            ("For", loan.purpose),
            ("Due back", f"{loan.due_back:%-d %B %Y}"),
            ("Returned", f"{loan.returned_at:%-d %B %Y}" if loan.returned_at else "Not yet"),
            ("Condition on return", loan.get_condition_display()),
            ("Notes on return", loan.return_notes),
        ]
        found.append(
            Held(
                kind="Device loan",
                title=f"Loan of {loan.device.asset_tag}",
                date=loan.created_at.date(),
                url=loan.get_absolute_url(),
                ref=f"loan:{loan.pk}",
                details=tuple((label, value) for label, value in details if value),
            )
        )
    return found


register_holding("devices", held_about, label="Devices")
