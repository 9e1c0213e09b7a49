"""Light load for the fault drills: readers requesting pages and an editor saving through the
admin, both over HTTP against real app server processes, everything they saw recorded.

``Readers`` loop over a list of public pages on every server and note each answer (status,
latency, cache status, whether it showed what it must show by then). ``Editor`` signs in to
the admin and adds a new article every ``interval`` seconds; a save that does not answer
with the admin's redirect is retried until it does, as a person would retry, so a save that
committed but reported an error shows up as a duplicate. Used by
tests/scale/test_fault_drills.py and bench/faults.py.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field

import requests

from tests.security.helpers import admin_form_data


@dataclass
class Answer:
    at: float
    server: str
    path: str
    status: int  # 0: no HTTP answer at all (connection refused, timeout)
    seconds: float
    cache: str
    retry_after: str | None
    stale: bool


@dataclass
class Expectation:
    """From ``since`` on, ``path`` must show ``text`` (and not ``gone``)."""

    path: str
    text: str
    gone: str
    since: float


class Readers:
    def __init__(self, servers, paths: list[str], threads: int = 2):
        self.servers = servers
        self.paths = paths
        self.threads = threads
        self.answers: list[Answer] = []
        self.expectations: list[Expectation] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.workers: list[threading.Thread] = []

    def expect(self, paths: list[str], text: str, gone: str) -> None:
        """Every answer for ``paths`` that starts from now on must show ``text``."""
        since = time.monotonic()
        with self.lock:
            self.expectations += [Expectation(path, text, gone, since) for path in paths]

    def _is_stale(self, path: str, started: float, body: str) -> bool:
        with self.lock:
            expectations = [e for e in self.expectations if e.path == path and e.since <= started]
        return any(e.text not in body or e.gone in body for e in expectations)

    def fetch(self, http: requests.Session, server, path: str) -> Answer:
        started = time.monotonic()
        try:
            response = http.get(f"{server.base_url}{path}", timeout=30)
        except requests.RequestException:
            return Answer(
                started, server.name, path, 0, time.monotonic() - started, "", None, False
            )
        answer = Answer(
            started,
            server.name,
            path,
            response.status_code,
            time.monotonic() - started,
            response.headers.get("X-Page-Cache", ""),
            response.headers.get("Retry-After"),
            response.status_code == 200 and self._is_stale(path, started, response.text),
        )
        with self.lock:
            self.answers.append(answer)
        return answer

    def _run(self, offset: int) -> None:
        http = requests.Session()
        index = offset
        while not self.stopping.is_set():
            server = self.servers[index % len(self.servers)]
            self.fetch(http, server, self.paths[(index // len(self.servers)) % len(self.paths)])
            index += 1
            time.sleep(0.02)
        http.close()

    def start(self) -> Readers:
        for offset in range(self.threads):
            worker = threading.Thread(target=self._run, args=(offset * 7,), daemon=True)
            worker.start()
            self.workers.append(worker)
        return self

    def stop(self) -> None:
        self.stopping.set()
        for worker in self.workers:
            worker.join(timeout=60)

    def between(self, start: float, end: float) -> list[Answer]:
        with self.lock:
            return [a for a in self.answers if start <= a.at < end]


@dataclass
class Save:
    headline: str
    attempts: list[int] = field(default_factory=list)  # the status of each try (0: no answer)
    committed_at: float | None = None


class Editor:
    """A signed-in editor adding an article every ``interval`` seconds through the admin."""

    def __init__(self, server, username: str, password: str, section_id: int, prefix: str):
        self.server = server
        self.username, self.password = username, password
        self.section_id = section_id
        self.prefix = prefix
        self.http = requests.Session()
        self.saves: list[Save] = []
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    @classmethod
    def signed_in(cls, site, prefix: str) -> Editor:
        """The seeded editor-in-chief (``seed``) on ``site``'s first server, signed in."""
        editor = cls(
            site.servers[0],
            "chief",
            site.env["SEED_ADMIN_PASSWORD"],
            site.data["section_pk"],
            prefix,
        )
        editor.login()
        return editor

    def url(self, path: str) -> str:
        return f"{self.server.base_url}{path}"

    def login(self) -> None:
        page = self.http.get(self.url("/admin/login/"), timeout=30)
        response = self.http.post(
            self.url("/admin/login/"),
            data={
                "csrfmiddlewaretoken": csrf_token(page.text),
                "username": self.username,
                "password": self.password,
                "next": "/admin/",
            },
            timeout=30,
        )
        assert response.ok and "/admin/login/" not in response.url, response.text[:500]

    def submit(self, path: str, changes: dict) -> int:
        """GET the admin form at ``path``, change some fields, POST it as a browser would.
        Returns the POST's status (302 is the admin's "saved"), or the GET's when that
        failed, or 0 when nothing answered."""
        try:
            page = self.http.get(self.url(path), timeout=30)
            if page.status_code != 200:
                return page.status_code
            data = admin_form_data(page.text)
            data.update(changes)
            data.pop("_saveasnew", None)
            data.pop("_continue", None)
            data.pop("_addanother", None)
            response = self.http.post(self.url(path), data=data, timeout=30, allow_redirects=False)
        except requests.RequestException:
            return 0
        if response.status_code == 200:  # the form again, with errors: say which
            errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.text, re.S)
            raise AssertionError(f"the admin refused the save: {errors}")
        return response.status_code

    def add_article(self, headline: str) -> Save:
        """Add a draft article, retrying until the admin says it is saved (or we stop)."""
        save = Save(headline)
        self.saves.append(save)
        changes = {
            "headline": headline,
            "section": str(self.section_id),
            "body": f"<p>{headline}: filed during the drill.</p>",
        }
        while True:
            status = self.submit("/admin/articles/article/add/", changes)
            save.attempts.append(status)
            if status == 302:
                save.committed_at = time.monotonic()
                return save
            if self.stopping.is_set() and len(save.attempts) > 50:
                return save
            time.sleep(0.5)

    def edit_headline(self, pk: int, headline: str) -> int:
        return self.submit(f"/admin/articles/article/{pk}/change/", {"headline": headline})

    def _run(self, interval: float) -> None:
        number = 0
        while not self.stopping.is_set():
            number += 1
            self.add_article(f"{self.prefix} line {number}")
            self.stopping.wait(interval)

    def start(self, interval: float = 1.0) -> Editor:
        self.thread = threading.Thread(target=self._run, args=(interval,), daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self.thread:
            self.thread.join(timeout=120)

    def statuses(self) -> list[int]:
        return [status for save in self.saves for status in save.attempts]


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token on the admin page"
    return match.group(1)


def wait_until(check, seconds: float = 60, step: float = 0.1, what: str = "the condition"):
    """Poll ``check`` until it returns something true; its value, or AssertionError."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {seconds:.0f} s")
        time.sleep(step)


def count_headlines(database_url: str, prefix: str) -> dict[str, int]:
    """How many rows each drill headline has, read straight from PostgreSQL."""
    import psycopg

    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT headline, count(*) FROM articles_article WHERE headline LIKE %s "
            "GROUP BY headline",
            [f"{prefix} line %"],
        ).fetchall()
    return dict(rows)
