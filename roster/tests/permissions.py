"""The MIS sync's rows of the permission matrix: its pages are for the people who manage
the school's people (headteacher and e-safety officer); its runs name pupils, staff and
parents, so anyone else out of scope gets 404."""

from esafety.testing import Route, expect, school_managers_only
from roster import services
from roster.models import Kind, RosterSource

from . import bundles

RUN = expect(404, headteacher=200, esafety_officer=200)
RUN_ACTION = expect(404, headteacher=302, esafety_officer=302)


def school(p):
    RosterSource.objects.get_or_create(school=p.school, defaults={"kind": Kind.BUNDLE})
    return {"slug": p.school.slug}


def waiting_run(p):
    school(p)
    run = services.sync_bundle(
        school=p.school, data=bundles.bundle_11(), filename="mis.zip", by=p.headteacher
    )
    return {"pk": run.pk}


ROUTES = [
    Route("roster", school_managers_only(), kwargs=school),
    Route("roster-settings", school_managers_only(), kwargs=school),
    Route("roster-sync-now", school_managers_only(302), kwargs=school, method="post"),
    Route("roster-run", RUN, kwargs=waiting_run),
    Route("roster-run-approve", RUN_ACTION, kwargs=waiting_run, method="post"),
    Route("roster-run-discard", RUN_ACTION, kwargs=waiting_run, method="post"),
]
