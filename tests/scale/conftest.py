"""Real services for the scale-out tests: app server processes, Redis, S3, PostgreSQL.

Each app server is the production server (gunicorn with gunicorn.conf.py, DEBUG=false) in
its own process, on a free loopback port. Redis and PostgreSQL are the machine's; the S3
server is moto's, started on loopback for the test run. A missing service skips these tests
on a developer's machine and fails them under CI=true.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
REDIS_URL = os.environ.get("SCALE_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
POSTGRES_URL = os.environ.get("SCALE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
BOOT_SECONDS = 60


def require(available: bool, what: str) -> None:
    """Skip when a service is missing, except in CI, where it is a failure."""
    if available:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} is required in CI (CI=true) but is not available.")
    pytest.skip(f"{what} is not available; start it to run the scale-out tests.")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except Exception:
        return False


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(f"{POSTGRES_URL}/postgres", connect_timeout=3):
            return True
    except Exception:
        return False


def run_checked(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        args, cwd=REPO, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    if result.returncode:
        raise AssertionError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def base_env(tmp: Path, **overrides: str) -> dict[str, str]:
    """The environment of a production app server, as `make serve` would give it."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "AWS_", "PYTEST", "DJANGO_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL="http://127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        PAGE_CACHE="true",
        # The editor here signs in with a password only: these tests are about scale-out,
        # two-factor sign-in has its own (tests/accounts/, tests/e2e/test_two_factor.py).
        TWO_FACTOR_REQUIRED="false",
        NEWSROOM_VAR_DIR=str(tmp / "var"),
        GUNICORN_WORKERS="1",
        GUNICORN_THREADS="4",
        GUNICORN_PRELOAD="true",
        CACHE_KEY_PREFIX=f"nrtest-{secrets.token_hex(4)}",
        SEED_ADMIN_PASSWORD=secrets.token_urlsafe(16),
    )
    env.update(overrides)
    return env


class AppServer:
    """One gunicorn process running the project, stopped by its own process group."""

    def __init__(self, name: str, env: dict[str, str], log_dir: Path):
        self.name = name
        self.port = free_port()
        self.env = {**env, "PORT": str(self.port), "HOST": "127.0.0.1"}
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen | None = None
        self.http = requests.Session()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> AppServer:
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [GUNICORN, "-c", "gunicorn.conf.py", "newsroom.wsgi"],
            cwd=REPO,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def wait_ready(self) -> None:
        deadline = time.monotonic() + BOOT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited:\n{self.log_tail()}")
            try:
                requests.get(f"{self.base_url}/healthz", timeout=2)
                return
            except requests.ConnectionError:
                time.sleep(0.2)
        raise AssertionError(f"{self.name} did not start:\n{self.log_tail()}")

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.http.get(f"{self.base_url}{path}", timeout=30, **kwargs)

    def log_tail(self, lines: int = 40) -> str:
        self.log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def signal_stop(self) -> None:
        self.http.close()
        if self.process and self.process.poll() is None:
            # SIGINT: gunicorn's quick shutdown (a graceful one waits for idle keep-alives).
            os.killpg(self.process.pid, signal.SIGINT)

    def stop(self) -> None:
        self.signal_stop()
        if self.process and self.process.poll() is None:
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self.log.close()


def start_servers(env: dict[str, str], log_dir: Path, names=("a", "b")) -> list[AppServer]:
    servers = [AppServer(name, env, log_dir).start() for name in names]
    try:
        for server in servers:
            server.wait_ready()
    except BaseException:
        stop_servers(servers)
        raise
    return servers


def stop_servers(servers: list[AppServer]) -> None:
    for server in servers:
        server.signal_stop()  # all at once, then wait for each
    for server in servers:
        server.stop()


class AdminSession:
    """A signed-in editor, driving the Django admin over HTTP like a browser."""

    def __init__(self, server: AppServer):
        self.server = server
        self.http = requests.Session()

    def _csrf(self, html: str) -> str:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert match, "no CSRF token on the admin page"
        return match.group(1)

    def login(self, username: str, password: str) -> None:
        url = f"{self.server.base_url}/admin/login/"
        page = self.http.get(url, timeout=30)
        response = self.http.post(
            url,
            data={
                "csrfmiddlewaretoken": self._csrf(page.text),
                "username": username,
                "password": password,
                "next": "/admin/",
            },
            timeout=30,
        )
        assert response.ok and "/admin/login/" not in response.url, self.server.log_tail()

    def run_action(self, changelist: str, action: str, pks: list[int]) -> str:
        """Run an admin action on the selected rows, as the change list's form does."""
        url = f"{self.server.base_url}/admin/{changelist}/"
        page = self.http.get(url, timeout=30)
        response = self.http.post(
            url,
            data={
                "csrfmiddlewaretoken": self._csrf(page.text),
                "action": action,
                "select_across": "0",
                "index": "0",
                "_selected_action": [str(pk) for pk in pks],
            },
            timeout=30,
        )
        assert response.ok, response.text[:2000]
        return response.text

    def close(self) -> None:
        self.http.close()


@pytest.fixture(scope="session")
def static_root(tmp_path_factory) -> Path:
    """Static files collected once (hashed names, as in production) for every app server."""
    root = tmp_path_factory.mktemp("static")
    env = base_env(root, STATIC_ROOT=str(root))
    run_checked([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    return root


@pytest.fixture(scope="module")
def redis_url():
    require(redis_available(), f"Redis at {REDIS_URL}")
    return REDIS_URL


@pytest.fixture(scope="module")
def postgres_database():
    """A throwaway PostgreSQL database of our own, dropped afterwards."""
    require(postgres_available(), f"PostgreSQL at {POSTGRES_URL}")
    import psycopg

    name = f"nr_scale_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield f"{POSTGRES_URL}/{name}"
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3-compatible server on a loopback port, with an empty public bucket."""
    try:
        import boto3
        from moto.server import ThreadedMotoServer
    except ImportError:
        require(False, "moto[server] (pip install 'moto[server]')")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="newsroom-test",
        aws_secret_access_key="newsroom-test-secret",
    )
    bucket = f"newsroom-media-{secrets.token_hex(3)}"
    client.create_bucket(Bucket=bucket)
    yield {"endpoint": endpoint, "bucket": bucket, "client": client, "port": port}
    server.stop()


def seed(env: dict[str, str]) -> dict:
    """Migrate the servers' database and add the test site (tests/scale/seed.py)."""
    output = run_checked([PYTHON, "-m", "tests.scale.seed"], env)
    return json.loads(output.strip().splitlines()[-1])


def absolute(server: AppServer, url: str) -> str:
    """A URL from a page, made absolute against the server that served it."""
    parts = urlsplit(url)
    if parts.netloc:
        return url
    return urlunsplit(("http", f"127.0.0.1:{server.port}", parts.path, parts.query, ""))


def flush_redis_prefix(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
