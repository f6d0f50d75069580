"""PDFs rendered from several threads at once (the threaded server that `make run` starts,
five people downloading together) come out whole, and GLib beneath WeasyPrint never
reports its memory corrupted: esafety.pdf renders one at a time per process.

Run in a child process: without the lock the corruption GLib reports can end in a crash,
which must fail this test, not take the test runner down with it."""

import subprocess
import sys

from django.conf import settings

RENDER_FROM_THREADS = """
import threading
import django
django.setup()
from esafety.pdf import write_pdf

rows = "".join(f"<tr><th>Row {n}</th><td>Some text that wraps onto a second line of the cell "
               f"when the column is narrow, {n}.</td></tr>" for n in range(40))
html = f"<h1>Threads</h1><table>{rows}</table>"
made = []

def render():
    for _ in range(12):
        made.append(write_pdf(html))

threads = [threading.Thread(target=render) for _ in range(6)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
assert len(made) == 72 and all(pdf.startswith(b"%PDF") for pdf in made)
print("rendered", len(made))
"""


def test_pdfs_rendered_from_six_threads_at_once_leave_glib_intact():
    done = subprocess.run(
        [sys.executable, "-c", RENDER_FROM_THREADS],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=240,
        env={"DJANGO_SETTINGS_MODULE": "esafety.settings_test", **_environment()},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "rendered 72" in done.stdout
    assert "corrupted" not in done.stderr and "CRITICAL" not in done.stderr, done.stderr[-2000:]


def _environment() -> dict:
    import os

    return {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
