"""Production settings: the deploy check passes, hosts are explicit, absolute URLs are ours."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import ArticleFactory

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def production_env(tmp_path, **extra) -> dict:
    """The environment of a production process: no debug, a strong key, explicit hosts."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "news.example.org",
            "SITE_URL": "https://news.example.org",
            "NEWSROOM_VAR_DIR": str(tmp_path / "var"),
            **extra,
        }
    )
    return env


def run_manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def probe(env: dict, code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "extra",
    [{}, {"BEHIND_TLS_PROXY": "true"}],
    ids=["direct-tls", "behind-tls-proxy"],
)
def test_deploy_check_passes_at_warning_level(tmp_path, extra):
    result = run_manage(
        production_env(tmp_path, **extra), "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_would_catch_a_weakened_setting(tmp_path):
    """The check is not vacuous: turning HSTS off makes it fail."""
    result = run_manage(
        production_env(tmp_path, SECURE_HSTS_SECONDS="0"),
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout


def test_production_values(tmp_path):
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'hsts': s.SECURE_HSTS_SECONDS, 'ssl': s.SECURE_SSL_REDIRECT,"
        "'proxy': s.SECURE_PROXY_SSL_HEADER, 'session_secure': s.SESSION_COOKIE_SECURE,"
        "'csrf_secure': s.CSRF_COOKIE_SECURE, 'session_httponly': s.SESSION_COOKIE_HTTPONLY,"
        "'xfo': s.X_FRAME_OPTIONS, 'hosts': s.ALLOWED_HOSTS, 'debug': s.DEBUG,"
        "'uir': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['upgrade-insecure-requests'],"
        "'backends': s.AUTHENTICATION_BACKENDS, 'hasher': s.PASSWORD_HASHERS[0],"
        "'middleware_last': s.MIDDLEWARE[-1], 'x_forwarded_host': s.USE_X_FORWARDED_HOST}))"
    )
    direct = probe(production_env(tmp_path), code)
    assert direct.returncode == 0, direct.stderr
    values = json.loads(direct.stdout)
    assert values["debug"] is False
    assert values["hosts"] == ["news.example.org"]
    assert values["hsts"] >= 31_536_000
    assert values["ssl"] is True
    assert values["uir"] is True
    assert values["session_secure"] and values["csrf_secure"] and values["session_httponly"]
    assert values["xfo"] == "DENY"
    # Without BEHIND_TLS_PROXY a forged X-Forwarded-Proto must not make a request "secure".
    assert values["proxy"] is None
    assert values["x_forwarded_host"] is False
    assert values["backends"][0].startswith("axes.backends.")
    assert values["middleware_last"] == "axes.middleware.AxesMiddleware"
    assert values["hasher"].endswith("Argon2PasswordHasher")

    proxied = probe(production_env(tmp_path, BEHIND_TLS_PROXY="true"), code)
    assert json.loads(proxied.stdout)["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_production_refuses_to_start_without_allowed_hosts(tmp_path):
    result = probe(production_env(tmp_path, ALLOWED_HOSTS=""), "")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:80",
        "testserver.evil.example",
        "testserver@evil.example",
        "evil.example#testserver",
        "10.9.8.7:8000",
        "a" * 300,
    ],
)
@pytest.mark.parametrize("path", ["/", "/admin/login/", "/healthz", "/feed/"])
def test_unknown_host_header_is_refused_with_400(client, host, path):
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 400


def test_forwarded_host_header_is_ignored(client):
    article = ArticleFactory()
    response = client.get(article.get_absolute_url(), HTTP_X_FORWARDED_HOST="evil.example")
    assert response.status_code == 200
    assert b"evil.example" not in response.content


def public_urls(article) -> list[str]:
    return [
        "/",
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        article.bylines.first().author.get_absolute_url(),
        "/feed/",
        "/feed/atom/",
        "/sitemap.xml",
        "/robots.txt",
        "/search/?q=council",
    ]


def test_absolute_urls_never_come_from_the_host_header(client, settings):
    """A second allowed host name (an alias, a CDN origin) never leaks into links."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "alias.example.net"]
    article = ArticleFactory(tags=["housing"])
    for url in public_urls(article):
        response = client.get(url, HTTP_HOST="alias.example.net")
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "alias.example.net" not in body, url
        assert "alias.example.net" not in response.get("Location", ""), url
