"""Vulnerability flags on pupils: who may see them, setting them, and reading them for
many pupils at once (the officer's queue, a pupil's chronology)."""

from django.db import transaction
from django.utils import timezone

from .locks import lock_for_transaction
from .models_flags import FlagSource, PupilFlag, Vulnerability
from .roles import flag_school_ids

SHORT = {
    Vulnerability.SEND: "SEND",
    Vulnerability.LOOKED_AFTER: "Looked after",
    Vulnerability.PREVIOUSLY_LOOKED_AFTER: "Previously looked after",
    Vulnerability.CHILD_IN_NEED: "Child in need",
    Vulnerability.PROTECTION_PLAN: "CP plan",
    Vulnerability.YOUNG_CARER: "Young carer",
}


def flags_of(user, pairs) -> dict[tuple[int, int], list[str]]:
    """{(school id, pupil id): [short labels]} for the (school, pupil) pairs this person
    may see flags for; one query, none when they may see none."""
    allowed_schools = flag_school_ids(user)
    wanted = {(s, p) for s, p in pairs if s in allowed_schools and p}
    if not wanted:
        return {}
    rows = PupilFlag.objects.active().filter(
        school_id__in={s for s, _ in wanted}, pupil_id__in={p for _, p in wanted}
    )
    found: dict[tuple[int, int], list[str]] = {}
    for school_id, pupil_id, flag in rows.order_by("flag").values_list(
        "school_id", "pupil_id", "flag"
    ):
        if (school_id, pupil_id) in wanted:
            found.setdefault((school_id, pupil_id), []).append(SHORT[flag])
    return found


@transaction.atomic
def set_flags(*, school, pupil, flags, by, source=FlagSource.BY_HAND) -> tuple[set, set]:
    """Make the pupil's open flags exactly `flags`: new ones start today, removed ones end
    today (kept in history). Returns (added, ended). Two saves at once (a double click)
    run one after the other: the second finds the first's flags and changes nothing."""
    lock_for_transaction(f"pupil-flags:{school.pk}:{pupil.pk}")
    open_flags = {
        f.flag: f
        for f in PupilFlag.objects.select_for_update().active().filter(school=school, pupil=pupil)
    }
    wanted = set(flags)
    added = wanted - set(open_flags)
    ended = set(open_flags) - wanted
    today = timezone.localdate()
    for flag in ended:
        record = open_flags[flag]
        record.ended_on, record._history_user = today, by
        record.save(update_fields=["ended_on"])
    for flag in added:
        record = PupilFlag(school=school, pupil=pupil, flag=flag, source=source, recorded_by=by)
        record._history_user = by
        record.save()
    return added, ended
