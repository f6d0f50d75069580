"""Demo risks for `manage.py seed_demo`: most of the starter library adopted in each
school, the seed's home-laptop risk re-scored after mitigation, a few actions (one
overdue), a signed filtering and monitoring review and some checks. Fictional people
only; only when a school has no risks yet (safe to run again)."""

import datetime

from django.utils import timezone

from esafety.models import Role, TrusteeMembership
from esafety.services import holders

from . import filtering, services
from .models import Risk
from .starter import STARTER_RISKS

SKIPPED = {"live-lessons"}  # left in the library, so the demo shows one to adopt


def seed(schools):
    _trust_wide(schools)
    for school in schools.values():
        if Risk.objects.filter(school=school).exists():
            continue
        lead = (holders(school, Role.ESAFETY_OFFICER) or holders(school, Role.HEADTEACHER))[0]
        head = holders(school, Role.HEADTEACHER)[0]
        risks = {
            starter.key: services.adopt_starter(school=school, by=lead, key=starter.key)
            for starter in STARTER_RISKS
            if starter.key not in SKIPPED
        }
        _rescore_laptop(risks["home-laptop"], lead)
        _actions(risks, lead, school)
        _filtering(school, lead, head)


def _rescore_laptop(risk, lead):
    # Adopted at the policy's HIGH (9), then re-scored once the laptop was locked down:
    # the history shows both.
    services.rescore(
        risk=risk,
        by=lead,
        inherent_likelihood=3,
        inherent_impact=3,
        likelihood=2,
        impact=2,
        likelihood_reason="Laptops now send home traffic through the school filter.",
        impact_reason="Pupils and parents briefed; the AUP covers home use.",
        note="Technical and education mitigation in place.",
    )


def _actions(risks, lead, school):
    today = timezone.localdate()
    technician = (holders(school, Role.TECHNICIAN) or [lead])[0]
    services.add_action(
        risk=risks["vpn-proxy-bypass"],
        by=lead,
        text="Block the VPN and proxy category on the guest network too.",
        owner=technician,
        due_on=today - datetime.timedelta(days=3),
    )
    services.add_action(
        risk=risks["generative-ai"],
        by=lead,
        text="Write staff guidance on AI tools and personal data.",
        owner=lead,
        due_on=today + datetime.timedelta(days=10),
    )


def _filtering(school, lead, head):
    today = timezone.localdate()
    technician = (holders(school, Role.TECHNICIAN) or [lead])[0]
    trustee = TrusteeMembership.objects.filter(trust=school.trust_id).first()
    review = filtering.start_review(school=school, by=lead)
    filtering.record_review(
        review=review,
        by=lead,
        held_on=today - datetime.timedelta(days=200),
        senior_leader=head,
        dsl=lead,
        it_provider="Riverside IT Services Ltd (fictional)",
        trustee=trustee.user if trustee else None,
        filtering_provider="Example Filtering Co.",
        monitoring_provider="Example Monitoring Co.",
        covers_school_devices=True,
        covers_guest_wifi=True,
        covers_off_site=True,
        categories_blocked="Adult content, gambling, extremism, proxies and VPNs, malware",
        monitoring=["in_person", "device"],
        findings="Filtering meets the standards. Off-site laptops now filtered through the agent.",
    )
    filtering.head_sign(review=review, by=head)
    if trustee:
        filtering.trustee_sign(review=review, by=trustee.user)
    filtering.log_check(
        school=school,
        by=technician,
        checked_on=today - datetime.timedelta(days=14),
        device="Classroom laptop",
        location="Year 6 classroom",
        what_tested="A gambling site that should be blocked",
        expected="Blocked page",
        actual="Blocked page",
        passed=True,
        action="",
    )


def _trust_wide(schools):
    """One trust-wide risk kept by the chair, if the trust has a chair and none yet."""
    for trust_id in {school.trust_id for school in schools.values()}:
        chair = TrusteeMembership.objects.filter(trust_id=trust_id, is_chair=True).first()
        if chair is None or Risk.objects.filter(trust_id=trust_id).exists():
            continue
        services.create_risk(
            school=None,
            trust=chair.trust,
            by=chair.user,
            title="One filtering contract for every school fails or lapses",
            description=(
                "All the trust's schools use the same filtering and monitoring provider "
                "under one contract. If it fails, or the contract lapses, every school is "
                "unfiltered at once."
            ),
            category="technical",
            applies_in=["on_site"],
            owners=[chair.user],
            inherent_likelihood=2,
            inherent_impact=3,
            likelihood=1,
            impact=3,
            likelihood_reason="Renewal is on the trust's calendar; outages are rare.",
            impact_reason="Every pupil in the trust would be unfiltered at once.",
            inherent_reason="No renewal reminder; no check that filtering works after changes.",
            mitigation_technical="Monthly filtering checks in each school; provider alerts.",
            mitigation_education="Heads know how to report an outage the same day.",
        )
