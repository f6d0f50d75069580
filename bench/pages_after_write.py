"""bench/pages.py's landing pages right after another person's write, and cold.

The figures a landing page shows change with every signature, incident and training
record; this times each page just after one (made by someone else, in turn) and after the
whole cache is flushed, beside the trivial page in the same rounds. Targets (issue 26):
within 3x after a write, within 5x cold.
"""

import statistics
import time

from common import celery_worker


def someone_writes(school, who):
    """Writes by other people, in turn, as a school makes them all day: a member of staff
    signs the e-safety policy, a teacher logs an incident, a teacher records training."""
    import itertools

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from agreements import services as agreements
    from agreements.models import Kind, SignRequest
    from esafety.models import Role, User
    from incidents import services as incidents
    from incidents.models import Incident, Location, Subject
    from training import services as training
    from training.models import Requirement

    def sign():
        request = (
            SignRequest.objects.filter(
                document__school=school, document__kind=Kind.POLICY, completed_at__isnull=True
            )
            .select_related("version", "person")
            .first()
        )
        if request is not None:
            agreements.sign(
                version=request.version,
                signer=request.person,
                subject=request.person,
                typed_name=request.person.full_name,
            )

    def log_incident():
        teacher = who["teacher"]
        incident = Incident(
            school=school,
            reported_by=teacher,
            location=Location.ONLINE,
            description="A pupil was sent an unkind message (bench).",
            subject=Subject.PUPIL,
        )
        incidents.submit_incident(incident=incident, by=teacher)

    staff = iter(
        User.objects.filter(memberships__school=school, memberships__role=Role.STAFF)
        .order_by("pk")
        .distinct()
    )
    requirement = Requirement.objects.filter(school=school).order_by("pk").first()

    def record_training():
        for person in staff:  # one record a person a day: the next who has none today
            try:
                training.record_training(
                    person=person,
                    school=school,
                    by=person,
                    requirement=requirement,
                    completed_on=timezone.localdate(),
                )
                return
            except ValidationError:
                continue

    return itertools.cycle([sign, log_incident, record_training])


def after_write_and_cold(repeat: int, school, who, all_pages) -> None:
    """Each landing page right after another person's write (the figures it shows have
    just changed), and with nothing cached, against the trivial page in the same rounds.
    `who`: the people by persona; `all_pages`: (label, persona, url), home pages first."""
    from django.conf import settings
    from django.test import Client

    from esafety.testing import sign_in

    settings.ALLOWED_HOSTS = ["testserver"]
    clients = {name: sign_in(Client(), user) for name, user in who.items()}
    writes = someone_writes(school, who)
    landing = [page for page in all_pages if page[0].startswith("home:")]
    landing += [page for page in all_pages if not page[0].startswith("home:")][:8]

    def trivial():
        clients["officer"].get("/accounts/")

    print(f"\n{'page':36} {'after a write':>14} {'x trivial':>10} {'cold':>9} {'x trivial':>10}")
    with celery_worker():
        for label, persona, url in landing:
            _after_write_and_cold(repeat, clients[persona], url, label, writes, trivial)


def _after_write_and_cold(repeat, client, url, label, writes, trivial):
    from django.core.cache import cache

    client.get(url)

    def after_write():
        next(writes)()
        return _timed(lambda: client.get(url))

    def cold():
        cache.clear()
        return _timed(lambda: client.get(url))

    written, base = _paired_timed(after_write, trivial, repeat)
    flushed, base_cold = _paired_timed(cold, trivial, repeat)
    print(
        f"{label:36} {written:11.1f} ms {written / base:9.1f}x {flushed:6.1f} ms "
        f"{flushed / base_cold:9.1f}x"
    )


def _timed(func) -> float:
    start = time.perf_counter()
    func()
    return (time.perf_counter() - start) * 1000


def _paired_timed(timed, reference, repeat: int) -> tuple[float, float]:
    """Medians of `timed` (which times only its own part, after its set-up) and of
    `reference`, one of each per round."""
    timings, references = [], []
    for _ in range(repeat):
        references.append(_timed(reference))
        timings.append(timed())
    return statistics.median(timings), statistics.median(references)
