"""Stateless app servers: PostgreSQL (with a read replica), Redis and S3-compatible storage.

The issue's "done when": two app server processes on the machine's PostgreSQL and Redis and
an S3 server started for the run; an article published through one is read — page, image
rendition, feed — through the other, and no server keeps anything on its own disk.
"""

import re

import pytest
import requests

from .conftest import (
    AdminSession,
    base_env,
    flush_redis_prefix,
    seed,
    start_servers,
    stop_servers,
)

pytestmark = pytest.mark.scale


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, redis_url, postgres_database, s3_server, static_root):
    tmp_path = tmp_path_factory.mktemp("scale-out")
    env = base_env(
        tmp_path,
        STATIC_ROOT=str(static_root),
        DATABASE_URL=postgres_database,
        # The "replica" is the same database here: the router's paths run for real.
        DATABASE_REPLICA_URL=postgres_database,
        REDIS_URL=redis_url,
        AWS_STORAGE_BUCKET_NAME=s3_server["bucket"],
        AWS_S3_ENDPOINT_URL=s3_server["endpoint"],
        AWS_S3_REGION_NAME="us-east-1",
        AWS_ACCESS_KEY_ID="newsroom-test",
        AWS_SECRET_ACCESS_KEY="newsroom-test-secret",
        # As a CDN would: plain public URLs on another host, here moto's own address.
        AWS_S3_CUSTOM_DOMAIN=f"127.0.0.1:{s3_server['port']}/{s3_server['bucket']}",
        AWS_S3_URL_PROTOCOL="http:",
        AWS_DEFAULT_ACL="public-read",  # readers fetch media without credentials
    )
    data = seed(env)
    servers = start_servers(env, tmp_path)
    yield servers, data, env, s3_server, tmp_path
    stop_servers(servers)
    flush_redis_prefix(redis_url, env["CACHE_KEY_PREFIX"])


def bucket_keys(s3) -> set[str]:
    listing = s3["client"].list_objects_v2(Bucket=s3["bucket"])
    return {item["Key"] for item in listing.get("Contents", [])}


def test_uploads_and_renditions_live_in_the_bucket(cluster):
    _servers, data, _env, s3, _tmp = cluster
    keys = bucket_keys(s3)
    assert data["image_name"] in keys
    assert data["rendition_name"] in keys
    renditions = [key for key in keys if key.startswith("renditions/")]
    assert len(renditions) >= 6  # lead, card and share-image sizes, WebP and JPEG


def test_publish_through_one_server_read_through_the_other(cluster):
    (a, b), data, env, s3, _tmp = cluster
    headline, url = data["draft_headline"], data["draft_url"]

    assert b.get("/").status_code == 200
    assert b.get("/").headers["X-Page-Cache"] == "HIT"
    assert b.get(url).status_code == 404

    editor = AdminSession(a)
    editor.login("chief", env["SEED_ADMIN_PASSWORD"])
    editor.run_action("articles/article", "publish_selected", [data["draft_pk"]])
    editor.close()

    page = b.get(url)
    assert page.status_code == 200
    assert headline in page.text
    assert headline in b.get("/").text

    # The page's image renditions come from the object store, and they are real images.
    media = f"http://127.0.0.1:{s3['port']}/{s3['bucket']}/"
    image_urls = set(re.findall(re.escape(media) + r"[^\s\"'<>,]+", page.text))
    renditions = {u for u in image_urls if "/renditions/" in u}
    assert renditions, "the article page shows no rendition from the bucket"
    for image_url in sorted(renditions)[:4]:
        image = requests.get(image_url, timeout=30)
        assert image.status_code == 200, image_url
        assert image.headers["Content-Type"].startswith("image/"), image_url
        assert len(image.content) > 100

    feed = b.get("/feed/")
    assert feed.status_code == 200
    assert headline in feed.text


def test_every_page_is_the_same_from_either_server(cluster):
    (a, b), data, _env, _s3, _tmp = cluster
    for path in ["/", data["draft_url"], "/feed/", "/sitemap.xml"]:
        from_a, from_b = a.get(path), b.get(path)
        assert from_a.status_code == from_b.status_code, path
        assert from_a.headers.get("ETag") == from_b.headers.get("ETag"), path


def test_no_server_writes_to_its_own_disk(cluster):
    _servers, _data, _env, _s3, tmp = cluster
    var = tmp / "var"
    written = [path for path in var.rglob("*") if path.is_file()] if var.exists() else []
    assert written == []
