"""Backups restore: pg_dump + the media folder, restored into a fresh database, give back every
article, revision and image (docs/operations.md, "Backup and restore")."""

import hashlib
import os
import secrets
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.postgres

TABLES = {
    "articles_article": "id, slug, headline, body, status, published_at, featured_image",
    "articles_byline": "id, article_id, author_id, role, position",
    "authors_author": "id, slug, name, photo",
    "books_book": "id, slug, title, cover",
    "taggit_taggeditem": "id, object_id, tag_id",
    "reversion_revision": "id, date_created, comment",
    "reversion_version": "id, revision_id, object_id, content_type_id, serialized_data",
}
IMAGE_COLUMNS = {
    "articles_article": "featured_image",
    "authors_author": "photo",
    "books_book": "cover",
}


@pytest.fixture
def postgres_only():
    if connection.vendor == "postgresql":
        return
    if os.environ.get("CI") == "true" and os.environ.get("DATABASE_URL"):
        pytest.fail("CI sets DATABASE_URL, so the backup test must run on PostgreSQL")
    pytest.skip("backup and restore use pg_dump/pg_restore: run with DATABASE_URL=postgres://…")


def _pg_env() -> dict:
    settings = connection.settings_dict
    env = dict(os.environ)
    env.update(
        {
            "PGHOST": settings["HOST"] or "127.0.0.1",
            "PGPORT": str(settings["PORT"] or 5432),
            "PGUSER": settings["USER"] or "postgres",
        }
    )
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return env


def _run(*args: str) -> None:
    result = subprocess.run(args, env=_pg_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{args[0]}: {result.stderr}"


def _connect(dbname: str, **kwargs):
    import psycopg

    env = _pg_env()
    return psycopg.connect(
        host=env["PGHOST"],
        port=env["PGPORT"],
        user=env["PGUSER"],
        password=env.get("PGPASSWORD"),
        dbname=dbname,
        **kwargs,
    )


def _rows(cursor) -> dict[str, list[tuple]]:
    found = {}
    for table, columns in TABLES.items():
        cursor.execute(f"SELECT {columns} FROM {table} ORDER BY id")  # noqa: S608 - constants
        found[table] = [tuple(row) for row in cursor.fetchall()]
    return found


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _load_site():
    """The demo site (articles with images, authors, books, revisions), plus an edit."""
    from articles import services
    from articles.models import Article
    from newsroom.demo.loader import demo_load
    from tests.factories import UserFactory

    demo_load()
    editor = UserFactory(is_staff=True, is_superuser=True)
    article = Article.objects.order_by("pk").first()
    article.body += "<p>An update after the first revision.</p>"
    services.content_save(obj=article, by=editor, comment="Second revision")


def test_dump_and_restore_bring_back_everything(
    postgres_only, transactional_db, settings, tmp_path
):
    _load_site()
    with connection.cursor() as cursor:
        before = _rows(cursor)
    assert before["articles_article"], "the demo made no articles"
    assert before["reversion_version"], "the demo made no revisions"
    images = {row[-1] for table in IMAGE_COLUMNS for row in before[table] if row[-1]}
    assert images, "the demo made no images"

    # Back up: the database with pg_dump, the media and private (originals) folders with tar
    # (docs/operations.md).
    media, private = Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)
    dump, archive = tmp_path / "newsroom.dump", tmp_path / "media.tar.gz"
    _run(
        "pg_dump",
        "--format=custom",
        "--no-owner",
        f"--file={dump}",
        connection.settings_dict["NAME"],
    )
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(media, arcname="media")
        tar.add(private, arcname="private")

    # Restore into a fresh database and a fresh folder.
    restored_db = f"nr_security_restore_{secrets.token_hex(4)}"
    restored_media = tmp_path / "restored"
    _run("createdb", restored_db)
    try:
        _run("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored_db}", str(dump))
        with tarfile.open(archive) as tar:
            tar.extractall(restored_media, filter="data")
        with _connect(restored_db) as restored, restored.cursor() as cursor:
            after = _rows(cursor)
    finally:
        with _connect("postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored_db}" WITH (FORCE)')

    for table in TABLES:
        assert after[table] == before[table], table
    for name in images:
        original, copy = private / name, restored_media / "private" / name
        assert copy.is_file(), name
        assert _digest(copy) == _digest(original), name
    originals = sorted(p.relative_to(media) for p in media.rglob("*") if p.is_file())
    copies = sorted(
        p.relative_to(restored_media / "media")
        for p in (restored_media / "media").rglob("*")
        if p.is_file()
    )
    assert copies == originals  # renditions too
    shutil.rmtree(restored_media)
