"""Backups restore: the documented procedure (docs/operations.md, "Backup and restore"), run
word for word from the doc, gives back every article, revision and image — into a new
database, and in place."""

import hashlib
import os
import re
import secrets
import shutil
import subprocess
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


ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "operations.md"


def drill(name: str) -> str:
    """The shell block marked ``<!-- drill: name -->`` in docs/operations.md, as written."""
    found = re.search(rf"<!-- drill: {name} -->\n```sh\n(.*?)```", DOC.read_text(), re.S)
    assert found, f"docs/operations.md has no '{name}' drill block"
    return found.group(1)


def _server_url() -> str:
    env = _pg_env()
    password = f":{env['PGPASSWORD']}" if env.get("PGPASSWORD") else ""
    return f"postgres://{env['PGUSER']}{password}@{env['PGHOST']}:{env['PGPORT']}"


def run_drill(name: str, **env: str) -> None:
    """Run a documented block from the project folder, as an operator would."""
    environment = {key: value for key, value in os.environ.items() if key != "PGDATABASE"}
    environment.update(env)
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", drill(name)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"{name}: {result.stdout}\n{result.stderr}"


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
    from articles.models import Article
    from editorial import services
    from newsroom.demo.loader import demo_load
    from tests.factories import UserFactory

    demo_load()
    editor = UserFactory(is_staff=True, is_superuser=True)
    article = Article.objects.order_by("pk").first()
    article.body += "<p>An update after the first revision.</p>"
    services.content_save(obj=article, by=editor, comment="Second revision")


def _files(folder: Path) -> list[Path]:
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())


def test_the_documented_backup_and_restores_bring_back_everything(
    postgres_only, transactional_db, settings, tmp_path
):
    _load_site()
    with connection.cursor() as cursor:
        before = _rows(cursor)
    assert before["articles_article"], "the demo made no articles"
    assert before["reversion_version"], "the demo made no revisions"
    images = {row[-1] for table in IMAGE_COLUMNS for row in before[table] if row[-1]}
    assert images, "the demo made no images"
    media, private = Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)
    server = _server_url()
    backups = tmp_path / "backups"
    common = {"BACKUP_DIR": str(backups)}

    # Back up the running site's database and media folder.
    run_drill(
        "backup",
        DATABASE_URL=f"{server}/{connection.settings_dict['NAME']}",
        MEDIA_ROOT=str(media),
        PRIVATE_MEDIA_ROOT=str(private),
        **common,
    )
    assert (backups / "latest").is_file()

    # Restore into a new database and folder.
    restored_db = f"nr_restore_{secrets.token_hex(4)}"
    restored_media = tmp_path / "restored"
    try:
        run_drill(
            "restore-new",
            DATABASE_URL=f"{server}/{connection.settings_dict['NAME']}",
            RESTORED_DB=restored_db,
            RESTORED_MEDIA=str(restored_media),
            **common,
        )
        with _connect(restored_db) as restored, restored.cursor() as cursor:
            after_new = _rows(cursor)

        # Replace that copy in place, as after a bad deploy: its rows and files are changed
        # first, so only a real restore brings them back.
        with _connect(restored_db, autocommit=True) as restored:
            restored.execute("UPDATE articles_article SET headline = 'Overwritten'")
        in_place_media = tmp_path / "in-place" / "media"
        in_place_private = tmp_path / "in-place" / "private"
        in_place_media.mkdir(parents=True)
        (in_place_media / "stray.txt").write_text("not in the backup")
        run_drill(
            "restore-in-place",
            DATABASE_URL=f"{server}/{restored_db}",
            MEDIA_ROOT=str(in_place_media),
            PRIVATE_MEDIA_ROOT=str(in_place_private),
            **common,
        )
        with _connect(restored_db) as restored, restored.cursor() as cursor:
            after_in_place = _rows(cursor)
    finally:
        with _connect("postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored_db}" WITH (FORCE)')

    for table in TABLES:
        assert after_new[table] == before[table], table
        assert after_in_place[table] == before[table], table
    for public_copy, private_copy in [
        (restored_media / "media", restored_media / "private"),
        (in_place_media, in_place_private),
    ]:
        for name in images:  # the originals, kept private
            assert _digest(private_copy / name) == _digest(private / name), name
        assert _files(public_copy) == _files(media)  # renditions too, and nothing stray
        assert _files(private_copy) == _files(private)
    shutil.rmtree(restored_media)
