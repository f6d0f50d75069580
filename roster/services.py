"""The MIS sync: read the roster, work out who joins, changes and leaves through the
people import's own matching and writing, then apply it or stop and ask.

- The first run of a school is a preview: nothing is written until someone approves it.
- After that a run applies by itself, unless more of the school's pupils, of its staff
  or of its parents would leave than the school allows (`max_leavers_percent` of each
  group, and more than a few: `leavers.groups_over_limit`): then it stops and waits for
  approval, and the records read are kept on the run until then.
- Approving applies exactly what was shown: the plan is worked out again and, if the
  school's people changed since (someone added by a CSV import, say), nothing is applied
  and the run waits again with the new plan to check.
- A run is one transaction: if anything fails, nothing is changed, and the run is kept
  as failed with the reason.
- Every run keeps its counts and the people who joined, changed, left or were refused.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from esafety.figures import invalidate
from esafety.models import Membership, ParentLink, School, User
from esafety.notifications import notify_many
from esafety.people_import import ImportResult, LeaverSpec, check_records, import_rows
from esafety.people_import.leavers import FEW_LEAVERS, groups_over_limit
from esafety.roles import MANAGER_ROLES

from .models import (
    WAITING,
    Grades,
    Kind,
    Outcome,
    RosterRun,
    RosterRunRow,
    RosterSource,
    Status,
    Trigger,
)
from .oneroster import RosterData, RosterProblem, read_bundle
from .records import Converted, convert
from .rest import read_rest

logger = logging.getLogger(__name__)
CHANGE_REASON = "MIS sync"
FIELD_WORDS = {
    "email": "email",
    "full_name": "name",
    "date_of_birth": "date of birth",
    "year_group": "year group",
    "class_name": "class",
    "staff_type": "staff type",
    "external_id": "MIS reference",
    "started_on": "start date",
}
UNEXPECTED = (
    "Something went wrong while the sync was being worked out or written, so nothing was "
    "changed. The next sync will try again; if this keeps happening, tell your technical "
    "administrator."
)


# --- settings ----------------------------------------------------------------------------


@transaction.atomic
def save_source(*, school: School, by: User, fields: dict, secret: str = "") -> RosterSource:
    """Create or update the school's sync settings. A blank `secret` keeps the stored one."""
    source = RosterSource.objects.filter(school=school).first() or RosterSource(school=school)
    for name, value in fields.items():
        setattr(source, name, value)
    if secret:
        source.set_client_secret(secret)
    source._history_user = by
    source.save()
    return source


# --- running a sync ----------------------------------------------------------------------


def sync_bundle(*, school: School, data: bytes, filename: str, by: User) -> RosterRun:
    """A OneRoster CSV bundle uploaded by the school."""
    source = RosterSource.objects.get(school=school)
    return _run(
        source,
        Trigger.UPLOAD,
        by,
        lambda today: read_bundle(data, today=today),
        filename=filename[:200],
    )


def sync_rest(*, source: RosterSource, trigger: str, by: User | None = None, session=None):
    """A full pull from the school's OneRoster REST endpoint."""
    return _run(source, trigger, by, lambda today: read_rest(source, today=today, session=session))


def sync_all_nightly() -> int:
    """Every school with a REST connection and the nightly sync on; one school's failure
    stops no other. Returns the number of runs made."""
    made = 0
    for source in RosterSource.objects.filter(kind=Kind.REST, nightly=True).select_related(
        "school"
    ):
        sync_rest(source=source, trigger=Trigger.NIGHTLY)
        made += 1
    return made


def _run(source, trigger, by, read: Callable[[object], RosterData], filename="") -> RosterRun:
    today = timezone.localdate()
    try:
        converted = convert(
            read(today),
            org_id=source.org_sourced_id,
            match_on=source.match_on,
            us_grades=source.grades == Grades.US,
        )
    except RosterProblem as problem:
        return _failed(source, trigger, by, str(problem), filename)
    except Exception:
        logger.exception("MIS sync of school %s could not read its roster", source.school_id)
        return _failed(source, trigger, by, UNEXPECTED, filename)
    payload = to_payload(converted)
    try:
        with transaction.atomic():
            source = RosterSource.objects.select_for_update().get(pk=source.pk)
            _supersede_waiting(source.school_id)
            run = RosterRun(
                school_id=source.school_id,
                source=source,
                trigger=trigger,
                started_by=by,
                filename=filename,
            )

            def decide(result: ImportResult) -> bool:
                over = _over_limit(result, source)
                if not source.approved_first_run:
                    run.status = Status.PREVIEW
                    run.reason = (
                        "This is the first sync, so nothing has been changed yet. Check who "
                        "joins, changes and leaves, then approve it."
                    )
                elif over:
                    run.status = Status.HELD
                    run.reason = over
                else:
                    return True
                return False

            result = _plan(source.school, payload, by, today, decide)
            if result.errors:
                raise RosterProblem(" ".join(issue.message for issue in result.errors[:5]))
            if run.status in WAITING:
                run.payload = payload
                run.plan_digest = plan_digest(result)
            else:
                run.status = Status.APPLIED if _changes(result) else Status.NOTHING
                _after_apply(source.school)
            _finish(run, result, converted, today)
            if run.status == Status.HELD:
                _tell_managers(run)
            return run
    except RosterProblem as problem:
        return _failed(source, trigger, by, str(problem), filename)
    except Exception:
        logger.exception("MIS sync of school %s failed", source.school_id)
        return _failed(source, trigger, by, UNEXPECTED, filename)


class NotWaiting(Exception):
    """The run was already applied or discarded (by someone else, perhaps)."""


class PlanChanged(Exception):
    """The school's people changed after the run was previewed: nothing was applied, and
    the run now waits with the new plan."""

    message = (
        "The school's people changed after this sync was worked out (someone was added, "
        "changed or ended here since, by a CSV import perhaps), so nothing was applied. "
        "The sync has been worked out again below: check who joins, changes and leaves, "
        "then approve it again."
    )


def approve_run(*, run: RosterRun, by: User) -> RosterRun:
    """Apply a run that waited for approval, from the records it read, if it still does
    what was shown. The people are matched again against the school as it is now, within
    the same transaction; if that gives another plan, nothing is applied: the run waits
    with the new plan and PlanChanged is raised."""
    try:
        return _approve(run, by)
    except (NotWaiting, RosterProblem, PlanChanged):
        raise
    except Exception:
        logger.exception("MIS sync run %s could not be applied", run.pk)
        raise RosterProblem(UNEXPECTED) from None


def _approve(run: RosterRun, by: User) -> RosterRun:
    today = timezone.localdate()
    with transaction.atomic():
        source = RosterSource.objects.select_for_update().get(pk=run.source_id)
        run = RosterRun.objects.select_for_update().get(pk=run.pk)
        if run.status not in WAITING:
            raise NotWaiting
        digest = run.plan_digest
        result = _plan(source.school, run.payload, by, today, lambda r: plan_digest(r) == digest)
        if result.errors:
            raise RosterProblem(" ".join(issue.message for issue in result.errors[:5]))
        run.rows.all().delete()
        if result.dry_run:  # not what was shown: shown again, nothing written
            _show_again(run, source, result, today, by)
            stale = True
        else:
            stale = False
            _applied(run, source, result, today, by)
    if stale:
        raise PlanChanged
    return run


def _show_again(run: RosterRun, source: RosterSource, result: ImportResult, today, by) -> None:
    """A waiting run's new plan, with the school's limit checked on it afresh."""
    over = _over_limit(result, source)
    run.status = Status.HELD if source.approved_first_run else Status.PREVIEW
    run.reason = PlanChanged.message + (f" {over}" if over else "")
    run.plan_digest = plan_digest(result)
    _finish(run, result, from_payload(run.payload), today, by=by)


def _applied(run: RosterRun, source: RosterSource, result: ImportResult, today, by) -> None:
    run.status = Status.APPLIED if _changes(result) else Status.NOTHING
    run.reason = ""
    run.decided_by, run.decided_at = by, timezone.now()
    _finish(run, result, from_payload(run.payload), today, by=by)
    run.payload = None
    run.save()
    if not source.approved_first_run:
        source.approved_first_run = True
        source._history_user = by
        source.save(update_fields=["approved_first_run", "updated_at"])
    _after_apply(source.school)


@transaction.atomic
def discard_run(*, run: RosterRun, by: User) -> RosterRun:
    claimed = RosterRun.objects.filter(pk=run.pk, status__in=WAITING).update(
        status=Status.DISCARDED, payload=None, decided_by=by, decided_at=timezone.now()
    )
    if not claimed:
        raise NotWaiting
    run.refresh_from_db()
    return run


# --- the steps -----------------------------------------------------------------------------


def _plan(school, payload: dict, by, today, decide) -> ImportResult:
    converted = from_payload(payload)
    result = ImportResult()
    rows, pupil_refs = check_records(converted.records, result, today)
    return import_rows(
        school=school,
        rows=rows,
        pupil_refs=pupil_refs,
        result=result,
        imported_by=by,
        today=today,
        refuse_bad_rows=True,
        leavers=converted.spec,
        may_write=decide,
        change_reason=CHANGE_REASON,
    )


def plan_digest(result: ImportResult) -> str:
    """A fingerprint of a plan: each record's outcome and changed fields, the roles that
    end (by membership), and the links added."""
    plan = {
        "outcomes": sorted(
            [number, record_type, status, sorted(fields)]
            for (number, record_type), (status, fields) in result.outcomes.items()
        ),
        "leavers": sorted(leaver.membership.pk for leaver in result.leavers),
        "links": result.links_added,
    }
    return hashlib.sha256(json.dumps(plan, sort_keys=True).encode()).hexdigest()


def _over_limit(result: ImportResult, source: RosterSource) -> str:
    """Why the leavers are more than the school allows, or "" if they aren't: each group
    (pupils, staff, parents) over the limit, with its numbers."""
    over = groups_over_limit(result, source.max_leavers_percent)
    if not over:
        return ""
    groups = " and ".join(str(group) for group in over)
    return (
        f"{groups} would leave, more than the {source.max_leavers_percent}% the school "
        f"allows (a sync stops when more than {FEW_LEAVERS} of the pupils, staff or parents "
        "would leave and they are more than that share of them). Nothing has been changed: "
        "check the leavers, then approve or discard this sync."
    )


def _changes(result: ImportResult) -> bool:
    outcomes = {status for status, _ in result.outcomes.values()}
    return bool(outcomes - {"unchanged"} or result.leavers or result.links_added)


def _supersede_waiting(school_id: int) -> None:
    RosterRun.objects.filter(school_id=school_id, status__in=WAITING).update(
        status=Status.DISCARDED,
        payload=None,
        reason="A newer sync replaced this one before it was approved.",
    )


def _after_apply(school: School) -> None:
    # Written in bulk: no save signals reach the figures.
    invalidate(model=Membership, schools=[school])
    invalidate(model=ParentLink, schools=[school])


def _tell_managers(run: RosterRun) -> None:
    """A nightly run that stopped or failed needs someone: the school's headteacher and
    e-safety officer are told (an upload or "sync now" shows its result at once). The
    email names no one; the run's page, behind the sign-in, has the detail."""
    if run.trigger != Trigger.NIGHTLY:
        return
    managers = (
        Membership.objects.active()
        .filter(school_id=run.school_id, role__in=MANAGER_ROLES)
        .select_related("user")
    )
    link = reverse("roster-run", args=[run.pk])
    title = (
        "The MIS sync failed last night"
        if run.status == Status.FAILED
        else "The MIS sync stopped last night and needs your approval"
    )
    notify_many(
        {"recipient": user, "title": title, "link": link} for user in {m.user for m in managers}
    )


def _failed(source, trigger, by, reason: str, filename: str) -> RosterRun:
    run = RosterRun.objects.create(
        school_id=source.school_id,
        source=source,
        trigger=trigger,
        started_by=by,
        status=Status.FAILED,
        reason=reason,
        filename=filename,
        finished_at=timezone.now(),
    )
    _tell_managers(run)
    return run


def _finish(run: RosterRun, result: ImportResult, converted: Converted, today, by=None) -> None:
    """Counts and rows of what the run did (or would do), saved with it."""
    rows: list[RosterRunRow] = []
    counts = {"joined": 0, "changed": 0, "unchanged": 0}
    for (number, record_type), (status, fields) in sorted(result.outcomes.items()):
        counts[status] += 1
        if status == "unchanged":
            continue
        reference, name = converted.labels.get(number, ("", ""))
        detail = ", ".join(dict.fromkeys(FIELD_WORDS.get(f, f) for f in fields))
        rows.append(
            RosterRunRow(
                outcome=status,
                record_type=record_type,
                reference=reference,
                name=name,
                detail=detail.capitalize(),
            )
        )
    for leaver in result.leavers:
        m = leaver.membership
        rows.append(
            RosterRunRow(
                outcome=Outcome.LEFT,
                record_type=leaver.record_type,
                reference=m.external_id,
                name=m.user.full_name,
                destination=leaver.destination[:200],
                membership=m,
            )
        )
    refused: dict[int, list[str]] = {}
    planned_numbers = {number for number, _ in result.outcomes}
    warnings = list(converted.warnings)
    for issue in result.refused:
        if issue.row in planned_numbers:  # a link that could not be made; the person was
            _, name = converted.labels.get(issue.row, ("", ""))
            warnings.append(f"{name}: {issue.message}")
            continue
        refused.setdefault(issue.row, []).append(issue.message)
    types = {number: cells.get("record_type", "") for number, cells in converted.records}
    for number, record_type, reason in converted.refused:
        refused.setdefault(number, []).append(reason)
        types[number] = record_type
    for number, reasons in sorted(refused.items()):
        reference, name = converted.labels.get(number, ("", ""))
        rows.append(
            RosterRunRow(
                outcome=Outcome.REFUSED,
                record_type=types.get(number, ""),
                reference=reference,
                name=name[:150],
                detail=" ".join(dict.fromkeys(reasons)),
            )
        )
    warnings.extend(issue.message for issue in result.warnings)
    run.joined, run.changed, run.unchanged = (
        counts["joined"],
        counts["changed"],
        counts["unchanged"],
    )
    run.left, run.refused = len(result.leavers), len(refused)
    run.links_added = result.links_added
    run.leaver_percent = Decimal(f"{result.leaver_percent:.1f}")
    run.warnings = warnings[:200]
    run.finished_at = timezone.now()
    if by is not None:
        run._history_user = by
    run.save()
    for row in rows:
        row.run = run
    RosterRunRow.objects.bulk_create(rows, batch_size=500)


# --- the records a waiting run keeps -------------------------------------------------------


def to_payload(converted: Converted) -> dict:
    spec = converted.spec
    return {
        "records": [[number, cells] for number, cells in converted.records],
        "labels": [[number, ref, name] for number, (ref, name) in converted.labels.items()],
        "refused": [list(item) for item in converted.refused],
        "warnings": converted.warnings,
        "complete": sorted(spec.complete_types),
        "in_source": sorted(list(key) for key in spec.in_source),
        "gone": sorted(list(key) for key in spec.gone),
        "destinations": [[t, k, d] for (t, k), d in spec.destinations.items()],
    }


def from_payload(payload: dict) -> Converted:
    return Converted(
        records=[(number, cells) for number, cells in payload["records"]],
        labels={number: (ref, name) for number, ref, name in payload["labels"]},
        refused=[tuple(item) for item in payload["refused"]],
        warnings=list(payload["warnings"]),
        spec=LeaverSpec(
            complete_types=frozenset(payload["complete"]),
            in_source={tuple(key) for key in payload["in_source"]},
            gone={tuple(key) for key in payload["gone"]},
            destinations={(t, k): d for t, k, d in payload["destinations"]},
        ),
    )
