"""The home page's panels and navigation share one read of the person's schools
(`esafety.dashboard.schools_by_name`), however many panels list them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from esafety.testing import make_personas, sign_in


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["esafety_officer", "headteacher", "technician"])
def test_the_home_page_reads_the_schools_once(client, who):
    personas = make_personas()
    sign_in(client, personas.get(who))
    client.get("/")  # figures cached, as on every visit but the first of the day
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/")
    assert page.status_code == 200
    reads = [q["sql"] for q in captured.captured_queries if 'FROM "esafety_school"' in q["sql"]]
    # One read shared by every panel and the navigation (it was one per panel: 9 for an
    # e-safety officer at trust scale), and one inside training's own standings.
    assert len(reads) <= 2, reads
