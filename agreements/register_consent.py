"""The consent register: each pupil's photo and internet consent this academic year, from
their latest signature (only a yes given this year counts; no answer is a no). Three
queries for a class or the whole school, paged with LIMIT; one channel's two lists (who
may appear, who must not) are paged the same way, their counts taken in SQL."""

from dataclasses import dataclass

from django.db.models import BooleanField, Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from esafety.models import Membership, Role

from .counting import signed_this_academic_year_q, still_counts_q
from .models import Channel, ConsentAnswer, Signature
from .register_cache import ROWS_KEPT_SECONDS, while_fresh
from .registers import published_documents


@dataclass
class ConsentRow:
    pupil_id: int
    name: str
    class_name: str
    answers: dict  # channel -> True / False / None (no answer this year)

    @property
    def answered(self) -> bool:
        return any(given is not None for given in self.answers.values())

    def allows(self, channel: str) -> bool:
        """Only a yes given this academic year counts; no answer is a no."""
        return self.answers.get(channel) is True


def consent_document(school):
    return published_documents(school).filter(asks_consent=True).order_by("kind", "title").first()


def pupil_classes(school, on=None) -> list[str]:
    return list(
        Membership.objects.active(on)
        .filter(school=school, role=Role.PUPIL)
        .exclude(class_name="")
        .order_by("year_group", "class_name")
        .values_list("class_name", flat=True)
        .distinct()
    )


def pupil_count(school, *, class_name: str = "", on=None) -> int:
    pupils = Membership.objects.active(on).filter(school=school, role=Role.PUPIL)
    return (pupils.filter(class_name=class_name) if class_name else pupils).count()


def consent_pupils(document, *, class_name: str = "", on=None):
    """The pupils (of a class, or the school), each with the id of this academic year's
    latest signature: one query, ready to page with LIMIT."""
    on = on or timezone.localdate()
    latest = (
        Signature.objects.filter(
            signed_this_academic_year_q(document.school, on),
            version__document=document,
            subject=OuterRef("user_id"),
        )
        .order_by("-signed_at", "-pk")
        .values("pk")[:1]
    )
    pupils = Membership.objects.active(on).filter(school=document.school, role=Role.PUPIL)
    if class_name:
        pupils = pupils.filter(class_name=class_name)
    return (
        pupils.annotate(latest=Subquery(latest))
        .order_by("year_group", "class_name", "user__full_name", "user_id")
        .values("user_id", "user__full_name", "class_name", "latest")
    )


def consent_rows(pupils) -> list[ConsentRow]:
    """Each pupil's answer per channel from their latest signature: one more query."""
    rows = list(pupils)
    answers: dict[int, dict] = {}
    signature_ids = [row["latest"] for row in rows if row["latest"]]
    for answer in ConsentAnswer.objects.filter(signature_id__in=signature_ids).values(
        "signature_id", "channel", "given"
    ):
        answers.setdefault(answer["signature_id"], {})[answer["channel"]] = answer["given"]
    return [
        ConsentRow(
            pupil_id=row["user_id"],
            name=row["user__full_name"],
            class_name=row["class_name"],
            answers={
                channel: answers.get(row["latest"], {}).get(channel) for channel in Channel.values
            },
        )
        for row in rows
    ]


def consent_register(document, *, class_name: str = "", on=None) -> list[ConsentRow]:
    """Every pupil (of a class, or the school) with this year's answers: three queries."""
    return consent_rows(consent_pupils(document, class_name=class_name, on=on))


@dataclass
class ChannelRow:
    """A pupil on one channel's list: may appear, or must not (and why)."""

    name: str
    class_name: str
    answered: bool  # False: no answer this year, which is a no


def channel_pupils(document, channel: str, *, class_name: str = "", on=None):
    """The pupils of `consent_pupils`, each marked with whether this year's latest
    signature says yes to `channel` (`allows`) and answered at all (`answered`): still
    one query, to filter on `allows` and page with LIMIT."""
    latest = OuterRef("latest")
    yes = ConsentAnswer.objects.filter(signature_id=latest, channel=channel, given=True)
    # A scalar subquery, not EXISTS: filtered on, PostgreSQL turns an EXISTS into a hash
    # join over every answer of the trust for the channel (tens of thousands of rows)
    # instead of looking up each pupil's one signature.
    allows = Coalesce(
        Subquery(yes.order_by().values(found=Value(True))[:1], output_field=BooleanField()),
        Value(False),
    )
    return consent_pupils(document, class_name=class_name, on=on).annotate(
        allows=allows, answered=Exists(ConsentAnswer.objects.filter(signature_id=latest))
    )


def channel_counts(pupils) -> tuple[int, int]:
    """(may appear, must not appear) among `channel_pupils`: one query, counted in SQL."""
    counts = pupils.order_by().aggregate(
        allowed=Count("pk", filter=Q(allows=True)), everyone=Count("pk")
    )
    return counts["allowed"], counts["everyone"] - counts["allowed"]


def cached_channel_counts(
    document, channel: str, pupils, *, class_name: str = "", on=None
) -> tuple[int, int]:
    """`channel_counts` of `channel_pupils(document, channel, class_name=class_name)`,
    cached until the school's signatures or pupils change (`registers.while_fresh`)."""
    on = on or timezone.localdate()
    what = f"consent:{document.pk}:{channel}:{class_name}:{on.isoformat()}"
    return tuple(while_fresh(document.school_id, what, lambda: channel_counts(pupils)))


def channel_rows(pupils) -> list[ChannelRow]:
    return [
        ChannelRow(row["user__full_name"], row["class_name"], row["answered"]) for row in pupils
    ]


def kept_channel_rows(document, channel: str, page, *, allows: bool, class_name="", on=None):
    """`channel_rows` of one page of one list, kept while the school's coverage figures
    are fresh (each list's page sorts every pupil of the school: most of its time)."""
    on = on or timezone.localdate()
    rows = f"{page.start_index()}-{page.end_index()}"  # not the page's number: its size may change
    what = f"consent-rows:{document.pk}:{channel}:{class_name}:{allows}:{rows}:{on}"
    return while_fresh(
        document.school_id,
        what,
        lambda: channel_rows(page.object_list),
        timeout=ROWS_KEPT_SECONDS,
    )


# --- signed forms --------------------------------------------------------------------


def class_signatures(document, class_name: str, on=None) -> list[Signature]:
    """The signature that counts now for each pupil of a class, newest first per pupil."""
    on = on or timezone.localdate()
    version = document.current_version()
    if version is None:
        return []
    pupils = Membership.objects.active(on).filter(
        school=document.school, role=Role.PUPIL, class_name=class_name
    )
    signatures = (
        Signature.objects.filter(
            still_counts_q(document, version, on), subject__in=pupils.values("user_id")
        )
        .select_related("version__document", "signer", "subject", "recorded_by")
        .prefetch_related("answers")
        .order_by("subject__full_name", "subject_id", "-signed_at", "-pk")
    )
    latest, seen = [], set()
    for signature in signatures:
        if signature.subject_id not in seen:
            seen.add(signature.subject_id)
            latest.append(signature)
    return latest
