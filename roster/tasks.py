"""The nightly sync (beat's "roster-nightly-sync", 02:15) and "sync now"."""

from celery import shared_task

from esafety.models import User


@shared_task
def sync_all_schools() -> int:
    from .services import sync_all_nightly

    return sync_all_nightly()


@shared_task
def sync_school(source_id: int, user_id: int | None = None) -> int | None:
    """One school's sync, asked for from its page; returns the run's id."""
    from .models import RosterSource, Trigger
    from .services import sync_rest

    source = RosterSource.objects.filter(pk=source_id).select_related("school").first()
    if source is None or not source.is_rest:
        return None
    by = User.objects.filter(pk=user_id).first() if user_id else None
    return sync_rest(source=source, trigger=Trigger.MANUAL, by=by).pk
