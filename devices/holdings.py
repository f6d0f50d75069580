"""What the devices app holds about a person, for a subject access request, as three
holdings: devices lent to them (one query); their own devices confiscated and the
searches of them (two queries); and the data breaches that concern them (one query).
Each only from the records the searcher may see (the app's `visible_to`)."""

from django.db.models import Exists, OuterRef, Q

from esafety.subject_access.holdings import Held, register_holding

from .models import Breach, Confiscation, Loan, Search

# A breach's words are searched for the person's full name only when it is at least this
# long: a short name ("Al") would match unrelated words and list breaches not about them.
NAME_SEARCH_MIN = 5


def _day(value) -> str:
    return f"{value:%-d %B %Y}" if value else ""


def _at(value) -> str:
    return f"{value:%-d %B %Y, %H:%M}" if value else ""


def _kept(rows) -> tuple:
    return tuple((label, value) for label, value in rows if value)


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
                details=_kept(details),
            )
        )
    return found


def held_in_custody(person, *, searcher, school) -> list[Held]:
    """A pupil's own device confiscated, and each search of them (DfE 2022: the reason,
    who searched and witnessed, what was found and what happened to it). What was on a
    device is never recorded, so nothing of it can be listed."""
    confiscations = (
        Confiscation.objects.visible_to(searcher)
        .filter(pupil=person, school=school)
        .select_related("confiscated_by")
    )
    searches = (
        Search.objects.visible_to(searcher)
        .filter(pupil=person, school=school)
        .select_related("searched_by", "witness")
    )
    found = [
        Held(
            kind="Confiscated device",
            title=f"Confiscated: {item.description}",
            date=item.confiscated_at.date(),
            url=item.get_absolute_url(),
            ref=f"confiscation:{item.pk}",
            details=_kept(
                [
                    ("The device", item.description),
                    ("Taken", _at(item.confiscated_at)),
                    ("Taken by", str(item.confiscated_by)),
                    ("Why", item.reason),
                    ("Held", item.held_where),
                    ("Parents told", _at(item.parents_told_at) or "Not recorded"),
                    ("Given back", _at(item.released_at) or "Not yet"),
                    ("Given back to", item.released_to),
                ]
            ),
        )
        for item in confiscations
    ]
    found += [
        Held(
            kind="Search",
            title=f"Search on {item.searched_at:%-d %B %Y}",
            date=item.searched_at.date(),
            url=item.get_absolute_url(),
            ref=f"search:{item.pk}",
            details=_kept(
                [
                    ("When", _at(item.searched_at)),
                    ("Searched by", str(item.searched_by)),
                    ("Witness", str(item.witness) if item.witness_id else ""),
                    ("Why", item.reason),
                    ("Looked for", item.looked_for),
                    ("Found", item.found or "Nothing recorded"),
                    ("Data on a device examined", "Yes" if item.device_examined else "No"),
                    ("Why it was examined", item.examination_reason),
                    ("Deleted or kept, and why", item.deleted_or_kept),
                    (
                        "Suspected nude or semi-nude imagery",
                        "Yes (never viewed or kept)" if item.suspected_nude_imagery else "",
                    ),
                    ("Parents told", _at(item.parents_told_at) or "Not recorded"),
                ]
            ),
        )
        for item in searches
    ]
    return found


def breaches_about(person, *, searcher, school) -> list[Held]:
    """Breaches that concern the person: the lost device was lent to or assigned to them,
    they reported the loss, or the breach's own words name them. A breach has no list of
    the people affected, only words ("28 pupils in 5B"), so the officer still reads the
    register for breaches that affect them without naming them."""
    lent = Loan.objects.filter(
        device=OuterRef("loss__device"), borrower=person, lost_at__isnull=False
    )
    concerns = Q(was_lent=True) | Q(loss__device__assigned_to=person) | Q(loss__reported_by=person)
    name = (person.full_name or "").strip()
    named = Q(people_affected__icontains=name) | Q(what_happened__icontains=name)
    if len(name) >= NAME_SEARCH_MIN:
        concerns |= named
    breaches = (
        Breach.objects.visible_to(searcher)
        .filter(school=school)
        .annotate(was_lent=Exists(lent))
        .filter(concerns)
        .select_related("loss__device")
    )
    found = []
    for breach in breaches:
        loss = breach.loss
        why = []
        if breach.was_lent:
            why.append("the device lost was lent to them")
        if loss and loss.device.assigned_to_id == person.pk:
            why.append("the device lost was assigned to them")
        if loss and loss.reported_by_id == person.pk:
            why.append("they reported the loss")
        if len(name) >= NAME_SEARCH_MIN and (
            name.lower() in breach.people_affected.lower()
            or name.lower() in breach.what_happened.lower()
        ):
            why.append("the record names them")
        details = [
            ("Why it is listed", "; ".join(why).capitalize()),
            ("The school became aware", _at(breach.became_aware_at)),
            ("What happened", breach.what_happened),
            ("What personal data", breach.data_affected),
            ("Whose data", breach.people_affected),
            ("What was done to contain it", breach.containment),
            ("ICO decision", breach.get_ico_decision_display() if breach.is_decided else ""),
            ("People affected told", _day(breach.people_told_on)),
        ]
        found.append(
            Held(
                kind="Data breach",
                title=f"Breach {breach.number}",
                date=breach.became_aware_at.date(),
                url=breach.get_absolute_url(),
                ref=f"breach:{breach.pk}",
                details=_kept(details),
            )
        )
    return found


register_holding("devices", held_about, label="Devices")
register_holding("devices_custody", held_in_custody, label="Confiscations and searches")
register_holding("devices_breaches", breaches_about, label="Data breaches")
