"""A real HTTP server in its own process for tests of many requests at once (the
`http_server` fixture in esafety/pytest_plugin.py), and a small client for it.

The in-process live server can't show what concurrent writers do to SQLite: it shares
one in-memory connection between its threads. This server opens its own connections,
as `make run` does.
"""

import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection

from .pytest_plugin import database_url_for_another_process

START_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Reply:
    status: int
    location: str = ""
    body: str = ""


@dataclass
class HttpServer:
    url: str
    sqlite_copy: Path | None = None
    output: Path | None = None
    _opener: object = field(
        default_factory=lambda: urllib.request.build_opener(_NoRedirect), repr=False
    )

    @classmethod
    @contextmanager
    def start(cls, directory: Path):
        sqlite_copy = None
        if connection.vendor == "sqlite":
            sqlite_copy = directory / "server.sqlite3"
            _copy_sqlite(connection, sqlite_copy)
            database_url = f"sqlite:///{sqlite_copy}"
        else:
            database_url = database_url_for_another_process()
        port = _free_port()
        output = directory / "server.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "esafety.settings_test",
            "DATABASE_URL": database_url,
        }
        command = [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks"]
        with output.open("w") as log:
            process = subprocess.Popen(
                [*command, f"127.0.0.1:{port}"],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            server = cls(f"http://127.0.0.1:{port}", sqlite_copy, output)
            server._wait_until_up(process)
            yield server
        finally:
            process.terminate()
            process.wait(timeout=20)

    def _wait_until_up(self, process):
        deadline = time.monotonic() + START_SECONDS
        host, port = self.url.removeprefix("http://").split(":")
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"The server stopped:\n{self.output.read_text()}")
            try:
                socket.create_connection((host, int(port)), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"The server did not start:\n{self.output.read_text()}")

    def sync(self):
        """Let this process's ORM see what the server wrote."""
        if self.sqlite_copy is not None:
            with sqlite3.connect(self.sqlite_copy) as source:
                connection.ensure_connection()
                source.backup(connection.connection)

    def post(self, path: str, data: dict, *, session: str) -> Reply:
        """POST a form as a signed-in browser would (session cookie and CSRF token)."""
        token = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret
        request = urllib.request.Request(
            self.url + path,
            data=urllib.parse.urlencode(data, doseq=True).encode(),
            headers={
                "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; "
                f"{settings.CSRF_COOKIE_NAME}={token}",
                "X-CSRFToken": token,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        try:
            with self._opener.open(request, timeout=60) as response:
                return Reply(response.status, body=response.read().decode())
        except urllib.error.HTTPError as reply:
            return Reply(reply.code, reply.headers.get("Location", ""), reply.read().decode())

    def post_json(self, path: str, payload, *, key: str) -> Reply:
        """POST JSON to the API with an integration's key."""
        import json

        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(payload).encode(),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        try:
            with self._opener.open(request, timeout=60) as response:
                return Reply(response.status, body=response.read().decode())
        except urllib.error.HTTPError as reply:
            return Reply(reply.code, "", reply.read().decode())

    def json_at_once(self, path: str, payloads, *, key: str) -> list[Reply]:
        """POST each payload to the API at the same moment, one thread each."""
        return _together([lambda p=p: self.post_json(path, p, key=key) for p in payloads])

    def at_once(self, requests) -> list[Reply]:
        """Send every (path, data, session) request at the same moment, one thread each."""
        return _together([lambda r=r: self.post(r[0], r[1], session=r[2]) for r in requests])


def _together(calls) -> list:
    """Each call in a thread of its own, all let go at the same moment; their answers."""
    start = threading.Barrier(len(calls))
    answers = [None] * len(calls)

    def run(index, call):
        start.wait()
        answers[index] = call()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def session_of(user) -> str:
    """A signed-in session cookie for `user`: made before the server starts (on SQLite the
    server reads a copy of the data taken then)."""
    from django.test import Client

    from .testing import sign_in

    return sign_in(Client(), user).cookies[settings.SESSION_COOKIE_NAME].value


def clicked_at_once(http_server, path: str, user, data=None, times: int = 5) -> set[str]:
    """`user` sends the same form to `path` `times` times at the same moment (a double click,
    or a second tab): every reply must be the redirect a single click gets, never an error.
    Returns where they redirect to; the test data are synced back for reading."""
    session = session_of(user)
    server = http_server()
    replies = server.at_once([(path, data or {}, session)] * times)
    assert [reply.status for reply in replies] == [302] * times, [r.body[-400:] for r in replies]
    server.sync()
    return {reply.location for reply in replies}


def notes_after(response) -> list[tuple[str, str]]:
    """The messages a response left for the next page: (level, text), level being
    "info", "success", "error" and so on."""
    from django.contrib.messages import get_messages

    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def _copy_sqlite(source_connection, path: Path):
    source_connection.ensure_connection()
    with sqlite3.connect(path) as target:
        source_connection.connection.backup(target)
    target.close()
