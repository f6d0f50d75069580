"""Risks for tests, made through the real services so numbering, bands and history apply."""

import datetime

from django.utils import timezone

from risks import filtering, services


def make_risk(school, by, *, owners=None, likelihood=2, impact=2, inherent=(3, 3), **fields):
    return services.create_risk(
        school=school,
        by=by,
        title=fields.pop("title", "Pupils reach unfiltered content at home"),
        description=fields.pop("description", "A test risk."),
        category=fields.pop("category", "content"),
        applies_in=fields.pop("applies_in", ["home"]),
        owners=owners or [by],
        inherent_likelihood=inherent[0],
        inherent_impact=inherent[1],
        likelihood=likelihood,
        impact=impact,
        likelihood_reason=fields.pop("likelihood_reason", "Likely enough."),
        impact_reason=fields.pop("impact_reason", "Harmful enough."),
        **fields,
    )


def make_action(risk, by, owner, *, days=7, review=None):
    return services.add_action(
        risk=risk,
        review=review,
        by=by,
        text="Lock down the laptops",
        owner=owner,
        due_on=timezone.localdate() + datetime.timedelta(days=days),
    )


def recorded_review(school, head, officer, *, held_on=None, sign=True):
    review = filtering.start_review(school=school, by=officer)
    filtering.record_review(
        review=review,
        by=officer,
        held_on=held_on or timezone.localdate(),
        senior_leader=head,
        dsl=officer,
        it_provider="Example IT Ltd",
        findings="Working as it should.",
    )
    if sign:
        filtering.head_sign(review=review, by=head)
    return review


def failed_check(school, by):
    return filtering.log_check(
        school=school,
        by=by,
        checked_on=timezone.localdate(),
        device="Library laptop 3",
        location="Library",
        what_tested="A gambling site that should be blocked",
        expected="Blocked page",
        actual="The site opened",
        passed=False,
        action="Told the filtering provider",
    )
