"""The risk register's actions: one function per action, each one transaction.

Every write is attributed (simple-history records who and when). The register is
evidence: nothing is deleted; a closed risk stays, with its reason.
"""

import calendar
import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from esafety.models import School, Trust
from esafety.once import already_done
from esafety.params import parse_int
from esafety.services import attributed

from .models import (
    Action,
    Assessment,
    Matrix,
    Risk,
    RiskIncident,
    Status,
)

DEFAULT_REVIEW_MONTHS = 12


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def review_due_after(matrix: Matrix, score: int, on: datetime.date) -> datetime.date:
    """A year by default; the band may ask for sooner (HIGH: every term)."""
    months = matrix.band(score).get("review_months") or DEFAULT_REVIEW_MONTHS
    return add_months(on, months)


def _check_scores(matrix: Matrix, **scores) -> None:
    errors = {
        name: f"Choose a number from 1 to {matrix.size}."
        for name, value in scores.items()
        if not isinstance(value, int) or not 1 <= value <= matrix.size
    }
    if errors:
        raise ValidationError(errors)


def _check_reasons(likelihood_reason: str, impact_reason: str) -> None:
    errors = {}
    if not (likelihood_reason or "").strip():
        errors["likelihood_reason"] = "Say why the likelihood is what it is."
    if not (impact_reason or "").strip():
        errors["impact_reason"] = "Say why the impact is what it is."
    if errors:
        raise ValidationError(errors)


def _apply_assessment(risk: Risk, assessment: Assessment) -> None:
    """Copy the latest assessment onto the risk (for one-query lists and heat maps)."""
    matrix = assessment.matrix
    risk.matrix = matrix
    risk.inherent_likelihood = assessment.inherent_likelihood
    risk.inherent_impact = assessment.inherent_impact
    risk.inherent_score = assessment.inherent_score
    risk.likelihood, risk.impact, risk.score = (
        assessment.likelihood,
        assessment.impact,
        assessment.score,
    )
    risk.band = matrix.band(risk.score)["label"]
    risk.band_rank = matrix.band_rank(risk.score)
    risk.head_only = bool(matrix.band(risk.score).get("head_only"))
    risk.likelihood_reason = assessment.likelihood_reason
    risk.impact_reason = assessment.impact_reason
    risk.inherent_reason = assessment.inherent_reason
    risk.assessed_at = assessment.assessed_at


def _take_number(school: School | None, trust=None) -> int:
    # Lock the school (or trust) row so two new risks at once can't take the same number.
    if school is None:
        Trust.objects.select_for_update().get(pk=trust.pk)
        mine = Risk.objects.filter(trust=trust, school__isnull=True)
    else:
        School.objects.select_for_update().get(pk=school.pk)
        mine = Risk.objects.filter(school=school)
    return (mine.aggregate(last=Max("number"))["last"] or 0) + 1


@transaction.atomic
def create_risk(
    *,
    school: School | None,
    trust: Trust | None = None,
    by,
    title: str,
    description: str,
    category: str,
    applies_in=(),
    owners=(),
    inherent_likelihood: int,
    inherent_impact: int,
    likelihood: int,
    impact: int,
    likelihood_reason: str,
    impact_reason: str,
    inherent_reason: str = "",
    mitigation_technical: str = "",
    mitigation_education: str = "",
    identified_on: datetime.date | None = None,
    starter_key: str = "",
) -> Risk:
    """A new numbered risk, scored on the trust's current matrix, with its first
    assessment and a review date from its band. With `trust` and no school: a
    trust-wide risk, numbered T-001 in the trust, that every school in it sees."""
    if (school is None) == (trust is None):
        raise ValueError("A risk belongs to a school or, trust-wide, to a trust.")
    matrix = Matrix.objects.current_for(trust.pk if school is None else school.trust_id)
    _check_scores(
        matrix,
        inherent_likelihood=inherent_likelihood,
        inherent_impact=inherent_impact,
        likelihood=likelihood,
        impact=impact,
    )
    _check_reasons(likelihood_reason, impact_reason)
    if not owners:
        raise ValidationError({"owners": "Choose at least one owner."})
    today = timezone.localdate()
    risk = Risk(
        school=school,
        trust=trust if school is None else None,
        number=_take_number(school, trust),
        title=title,
        description=description,
        category=category,
        applies_in=list(applies_in),
        identified_on=identified_on or today,
        identified_by=by,
        mitigation_technical=mitigation_technical,
        mitigation_education=mitigation_education,
        starter_key=starter_key,
    )
    assessment = Assessment(
        matrix=matrix,
        inherent_likelihood=inherent_likelihood,
        inherent_impact=inherent_impact,
        likelihood=likelihood,
        impact=impact,
        likelihood_reason=likelihood_reason,
        impact_reason=impact_reason,
        inherent_reason=(inherent_reason or "").strip(),
        note="First assessment.",
        assessed_by=by,
    )
    _apply_assessment(risk, assessment)
    risk.review_due = review_due_after(matrix, risk.score, today)
    try:
        with transaction.atomic():
            attributed(risk, by, "Risk identified").save()
    except IntegrityError as error:
        if starter_key:
            raise ValidationError("This school has already adopted that starter risk.") from error
        raise
    risk.owners.set(owners)
    assessment.risk = risk
    attributed(assessment, by).save()
    return risk


@transaction.atomic
def update_risk(*, risk: Risk, by, owners=None, **fields) -> Risk:
    """Change the description, owners or mitigations (not the scores: re-score for that)."""
    allowed = {
        "title",
        "description",
        "category",
        "applies_in",
        "mitigation_technical",
        "mitigation_education",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    if owners is not None and not owners:
        raise ValidationError({"owners": "Choose at least one owner."})
    for name, value in fields.items():
        setattr(risk, name, value)
    attributed(risk, by, "Risk details changed").save()
    if owners is not None:
        risk.owners.set(owners)
    return risk


@transaction.atomic
def rescore(
    *,
    risk: Risk,
    by,
    inherent_likelihood: int,
    inherent_impact: int,
    likelihood: int,
    impact: int,
    likelihood_reason: str,
    impact_reason: str,
    inherent_reason: str = "",
    note: str = "",
) -> Assessment:
    """A new dated assessment on the trust's current matrix (a risk moves to a new
    matrix only here). Counts as a review: the next one is set from the new band."""
    risk = Risk.objects.select_for_update(of=("self",)).select_related("school").get(pk=risk.pk)
    if risk.status == Status.CLOSED:
        raise ValidationError("This risk is closed. Reopen it before re-scoring it.")
    matrix = Matrix.objects.current_for(risk.trust_of)
    _check_scores(
        matrix,
        inherent_likelihood=inherent_likelihood,
        inherent_impact=inherent_impact,
        likelihood=likelihood,
        impact=impact,
    )
    _check_reasons(likelihood_reason, impact_reason)
    assessment = Assessment(
        risk=risk,
        matrix=matrix,
        inherent_likelihood=inherent_likelihood,
        inherent_impact=inherent_impact,
        likelihood=likelihood,
        impact=impact,
        likelihood_reason=likelihood_reason,
        impact_reason=impact_reason,
        inherent_reason=(inherent_reason or "").strip(),
        note=note,
        assessed_by=by,
    )
    attributed(assessment, by).save()
    _apply_assessment(risk, assessment)
    today = timezone.localdate()
    risk.last_reviewed_on = today
    risk.review_due = review_due_after(matrix, risk.score, today)
    attributed(risk, by, f"Re-scored: {assessment.label}").save()
    return assessment


def _locked(risk: Risk) -> Risk:
    """The risk's row, locked until the transaction ends: a second click of the same step
    waits here for the first, then sees what it did."""
    return Risk.objects.select_for_update(of=("self",)).select_related("matrix").get(pk=risk.pk)


REVIEW_RECORDED_ALREADY = "This review is already recorded."


def _review_reason(note: str) -> str:
    return f"Reviewed: {note.strip()[:90]}"


@transaction.atomic
def record_review(*, risk: Risk, by, note: str) -> Risk:
    """Reviewed with no change to the score: the next review is set from today. Once: the
    same review (same note, same day) sent twice is recorded once."""
    if not note.strip():
        raise ValidationError({"note": "Say what the review found."})
    risk = _locked(risk)
    if risk.status == Status.CLOSED:
        raise ValidationError("This risk is closed.")
    today = timezone.localdate()
    reason = _review_reason(note)
    if (
        risk.last_reviewed_on == today
        and risk.history.filter(history_change_reason=reason, history_date__date=today).exists()
    ):
        raise already_done(REVIEW_RECORDED_ALREADY)
    risk.last_reviewed_on = today
    if risk.status != Status.ACCEPTED:
        risk.review_due = review_due_after(risk.matrix, risk.score, today)
    attributed(risk, by, reason).save()
    return risk


ALREADY_IN_STATUS = {
    Status.OPEN: "This risk is already open.",
    Status.TREATED: "This risk is already marked as treated.",
    Status.ACCEPTED: "This risk is already accepted.",
    Status.CLOSED: "This risk is already closed.",
}


def _set_status(risk, by, status, reason, **fields) -> Risk:
    """Called with the risk locked (`_locked`). A step to the status the risk has already
    is a second click: refused as done, with no second record and nothing re-stamped."""
    if risk.status == status:
        raise already_done(ALREADY_IN_STATUS[status])
    risk.status = status
    risk.status_reason = reason.strip()
    for name, value in fields.items():
        setattr(risk, name, value)
    attributed(risk, by, f"{Status(status).label}: {reason.strip()[:90]}").save()
    return risk


@transaction.atomic
def accept_risk(*, risk: Risk, by, reason: str, review_on: datetime.date) -> Risk:
    """Accepted as it is, with a reason and a date to look again. The rule
    `risks.accept` says who (the headteacher only, above MEDIUM). Once: accepting an
    accepted risk changes nothing (the acceptance keeps its time)."""
    errors = {}
    if not reason.strip():
        errors["reason"] = "Give the reason for accepting this risk."
    if review_on is None or review_on <= timezone.localdate():
        errors["review_on"] = "Choose a review date after today."
    if errors:
        raise ValidationError(errors)
    risk = _locked(risk)
    if risk.status == Status.CLOSED:
        raise ValidationError("This risk is closed.")
    return _set_status(
        risk,
        by,
        Status.ACCEPTED,
        reason,
        accepted_by=by,
        accepted_at=timezone.now(),
        review_due=review_on,
    )


@transaction.atomic
def mark_treated(*, risk: Risk, by, reason: str = "") -> Risk:
    risk = _locked(risk)
    if risk.status == Status.CLOSED:
        raise ValidationError("This risk is closed.")
    return _set_status(risk, by, Status.TREATED, reason or "Mitigations in place.")


@transaction.atomic
def close_risk(*, risk: Risk, by, reason: str) -> Risk:
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for closing this risk."})
    return _set_status(_locked(risk), by, Status.CLOSED, reason)


@transaction.atomic
def reopen_risk(*, risk: Risk, by, reason: str) -> Risk:
    if not reason.strip():
        raise ValidationError({"reason": "Say why the risk is open again."})
    risk = _locked(risk)
    today = timezone.localdate()
    return _set_status(
        risk,
        by,
        Status.OPEN,
        reason,
        accepted_by=None,
        accepted_at=None,
        review_due=min(risk.review_due, review_due_after(risk.matrix, risk.score, today)),
    )


# --- actions --------------------------------------------------------------------------------


@transaction.atomic
def add_action(*, by, text: str, owner, due_on: datetime.date, risk=None, review=None) -> Action:
    errors = {}
    if not text.strip():
        errors["text"] = "Say what will be done."
    if due_on is None:
        errors["due_on"] = "Choose a due date."
    if errors:
        raise ValidationError(errors)
    action = Action(risk=risk, review=review, text=text.strip(), owner=owner, due_on=due_on)
    action.created_by = by
    attributed(action, by).save()
    return action


ACTION_DONE_ALREADY = "This action is already marked as done."


@transaction.atomic
def complete_action(*, action: Action, by, on: datetime.date | None = None) -> Action:
    """Done, once: a second click (or a double submit) is refused, not recorded twice."""
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"done_on": "The date it was done can't be in the future."})
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.done_on is not None:
        raise already_done(ACTION_DONE_ALREADY)
    action.done_on, action.done_by = on, by
    attributed(action, by, "Marked as done").save()
    return action


# --- incidents ------------------------------------------------------------------------------


def linkable_q(incident) -> Q:
    """The risks an incident may be linked to: its own school's, or a trust-wide risk of
    the school's trust (kept by the chair)."""
    return Q(school_id=incident.school_id) | Q(
        school__isnull=True, trust_id=incident.school.trust_id
    )


def may_link(risk: Risk, incident) -> bool:
    """`linkable_q` for one risk already in hand."""
    if risk.is_trust_wide:
        return risk.trust_id == incident.school.trust_id
    return risk.school_id == incident.school_id


@transaction.atomic
def link_incident(*, risk: Risk, incident, by) -> RiskIncident:
    if not may_link(risk, incident):
        raise ValidationError(
            "An incident can be linked to a risk of its own school or of the school's trust."
        )
    link = RiskIncident(risk=risk, incident=incident, linked_by=by)
    try:
        with transaction.atomic():
            attributed(link, by, f"Incident {incident.reference} linked").save()
    except IntegrityError as error:
        raise already_done(f"This incident is already linked to {risk.reference}.") from error
    return link


# --- the yearly sign-off ---------------------------------------------------------------------


def pdf_hash(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()


SIGNED_ALREADY = "The register is already signed off for this school year."


@transaction.atomic
def sign_register(*, school: School, by, comment: str = ""):
    """The headteacher's yearly "register reviewed": the register PDF is rendered now and
    kept, with its SHA-256, so what was signed can be shown later exactly as it was.
    Once a year: a second signature (or a double submit) is refused."""
    from .models import RegisterSignOff, sign_off_year
    from .pdf import register_pdf

    year = sign_off_year(school)
    if RegisterSignOff.objects.filter(school=school, year=year).exists():
        raise already_done(SIGNED_ALREADY)
    risks = Risk.objects.filter(school=school)
    pdf = register_pdf(school, signed_by=by)
    sign_off = RegisterSignOff(
        school=school,
        year=year,
        signed_by=by,
        comment=comment.strip(),
        pdf=pdf,
        pdf_sha256=pdf_hash(pdf),
        risk_count=risks.live().count(),
    )
    try:
        with transaction.atomic():
            attributed(sign_off, by, "Register signed off by the headteacher").save()
    except IntegrityError as error:
        raise already_done(SIGNED_ALREADY) from error
    return sign_off


APPROVED_ALREADY = "This register has already been approved."


@transaction.atomic
def approve_register(*, sign_off, by):
    """A trustee approves the signed register. Once."""
    from .models import RegisterSignOff

    claimed = RegisterSignOff.objects.select_for_update().get(pk=sign_off.pk)
    if claimed.approved_at is not None:
        raise already_done(APPROVED_ALREADY)
    claimed.approved_by, claimed.approved_at = by, timezone.now()
    attributed(claimed, by, "Register approved by a trustee").save()
    return claimed


# --- the starter library --------------------------------------------------------------------


def suggested_owners(school: School, starter, fallback) -> list:
    """The people holding the roles the starter suggests, else whoever adopts it."""
    from esafety.models import Role
    from esafety.services import holders

    roles = {"e-safety officer": Role.ESAFETY_OFFICER, "technician": Role.TECHNICIAN}
    people = []
    for name in starter.suggested_owners:
        people += [p for p in holders(school, roles[name])[:1] if p not in people]
    return people or [fallback]


@transaction.atomic
def adopt_starter(*, school: School, by, key: str, owners=None) -> Risk:
    """Add a starter risk to the school's register, to edit like any other."""
    from .starter import BY_KEY

    starter = BY_KEY.get(key)
    if starter is None:
        raise ValidationError("There is no starter risk with that name.")
    matrix = Matrix.objects.current_for(school.trust_id)
    scale = matrix.size / 3  # suggestions are on the 3 x 3; scale them to the trust's grid

    def scaled(value):
        return max(1, min(matrix.size, round(value * scale)))

    def reason(text, suggested):
        # Say so in the record itself: a scaled suggestion is never silent.
        if matrix.size == 3:
            return text
        return (
            f"{text} (Suggested as {suggested} on the 3 x 3 matrix; scaled to "
            f"{scaled(suggested)} of {matrix.size} when adopted. Check it and re-score.)"
        )

    return create_risk(
        school=school,
        by=by,
        title=starter.title,
        description=starter.description,
        category=starter.category,
        applies_in=starter.applies_in,
        owners=owners or suggested_owners(school, starter, by),
        inherent_likelihood=scaled(starter.inherent[0]),
        inherent_impact=scaled(starter.inherent[1]),
        likelihood=scaled(starter.current[0]),
        impact=scaled(starter.current[1]),
        likelihood_reason=reason(starter.likelihood_reason, starter.current[0]),
        impact_reason=reason(starter.impact_reason, starter.current[1]),
        mitigation_technical=starter.technical,
        mitigation_education=starter.education,
        starter_key=starter.key,
    )


# --- the trust's matrix -----------------------------------------------------------------------


def parse_bands(text: str, size: int) -> list[dict]:
    """ "LOW 1-4, MEDIUM 5-9, HIGH 10-25" -> bands, checked to cover 1..size² in order."""
    bands, expected_low = [], 1
    for part in [p.strip() for p in text.replace("\n", ",").split(",") if p.strip()]:
        label, _, span = part.rpartition(" ")
        low, _, high = span.partition("-")
        low, high = parse_int(low), parse_int(high)
        if not label or low is None or high is None:
            raise ValidationError(
                {"bands": f"Write each band as NAME LOW-HIGH, e.g. HIGH 10-25 ({part!r})."}
            )
        if low != expected_low or high < low:
            raise ValidationError(
                {"bands": f"Bands must follow on: {part!r} should start at {expected_low}."}
            )
        bands.append({"label": label.strip().upper()[:20], "max": high})
        expected_low = high + 1
    if not bands or bands[-1]["max"] != size * size:
        raise ValidationError({"bands": f"The last band must end at {size * size}."})
    for index, band in enumerate(bands):
        above_middle = len(bands) > 1 and index >= (len(bands) + 1) // 2
        band["head_only"] = above_middle
        band["review_months"] = 4 if index == len(bands) - 1 else DEFAULT_REVIEW_MONTHS
    return bands


@transaction.atomic
def choose_matrix(*, trust, by, size: int, bands: list[dict]) -> Matrix:
    """The trust's matrix for new scores from now on. Nothing is rescaled: each risk keeps
    its matrix until it is re-scored."""
    if size not in (3, 5):
        raise ValidationError({"size": "Choose 3 x 3 or 5 x 5."})
    Matrix.objects.filter(trust=trust, is_current=True).update(is_current=False)
    matrix = Matrix(
        trust=trust,
        name=f"{trust.name} {size} x {size}",
        size=size,
        bands=bands,
        created_by=by,
    )
    attributed(matrix, by, "Trust chose its risk matrix").save()
    return matrix
