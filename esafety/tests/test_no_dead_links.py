"""No link or button is shown that the rules then refuse.

Every demo login walks the site from their home page (the demo, with a lost device and
its breach record, a register signed this year, a closed incident and loans added):
every link is opened, every GET form opened with the values it shows, every POST form
sent as its button would send it (rolled back). A 403, 404, 405, a server error, an
address that is no page, or being sent to sign in is a dead end the person was shown.
"""

import warnings

import pytest

from esafety.tests.crawl import report, walk_the_demo

# One walk per test process, read by the dead-link and form-action tests: one process.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo-walk")]

# (demo login, URL name of the target) found refusing what a page offers: to fix, each in
# its app. The test passes over exactly these pairs and warns when one no longer fails:
# then remove it. Empty: the three dead ends issue 24 names (the chair's risk link on a
# concern about a head, 403; the technician's breach record link on a lost device, 404;
# the register's sign-off form after the head signed this year, "already signed off")
# were found by this walk and are fixed.
KNOWN: dict[tuple[str, str], str] = {}


def dead_ends():
    return [finding for finding in walk_the_demo().findings if finding.check != "action"]


def test_no_page_shows_a_link_or_button_that_is_then_refused():
    found = dead_ends()
    new = [finding for finding in found if finding.key not in KNOWN]
    stale = sorted(set(KNOWN) - {finding.key for finding in found})
    if stale:
        warnings.warn(f"Fixed, remove from KNOWN: {stale}", stacklevel=1)
    assert not new, report(new, "Links and buttons shown that answer a refusal or an error")


def test_the_walk_opens_every_login_s_pages_and_the_records_that_matter():
    """The walk is real: each login opened pages beyond home (a walk stopped by a broken
    home page, or signed out, would find nothing and pass the test above), and the records
    behind last term's dead ends were opened by the person who met them."""
    walked = walk_the_demo()
    thin = {who: len(pages) for who, pages in walked.opened.items() if len(pages) < 5}
    assert not thin, f"Logins whose walk opened fewer than 5 pages: {thin}"
    missed = {
        who: [what for page, what in pages.items() if page not in walked.opened[who]]
        for who, pages in walked.landmarks.items()
    }
    missed = {who: what for who, what in missed.items() if what}
    assert not missed, f"Records the walk should have opened, by login: {missed}"
