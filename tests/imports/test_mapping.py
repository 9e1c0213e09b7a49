"""The mapping rules: status and times, nicenames, old paths, attribution from custom fields."""

from datetime import UTC, datetime

import pytest

from imports.wordpress import mapping
from imports.wordpress.attribution import Attribution
from tests.imports.helpers import HOSTS, SITE

pytestmark = pytest.mark.django_db


def wp_item(**fields):
    from imports.wordpress.parser import WPItem

    return WPItem(wp_id=1, post_type="post", **fields)


NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


JULY_27 = datetime(2021, 7, 27, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "gmt", "password", "expected_status", "expected_time"),
    [
        ("publish", "2021-07-27 06:30:00", "", "published", JULY_27),
        ("future", "2099-01-15 09:00:00", "", "published", datetime(2099, 1, 15, 9, tzinfo=UTC)),
        ("draft", "0000-00-00 00:00:00", "", "draft", None),
        ("draft", "2024-06-01 10:00:00", "", "draft", datetime(2024, 6, 1, 10, tzinfo=UTC)),
        ("pending", "0000-00-00 00:00:00", "", "review", None),
        ("private", "2021-07-27 06:30:00", "", "unpublished", JULY_27),
        ("publish", "2021-07-27 06:30:00", "secret", "unpublished", JULY_27),
        ("mystery", "0000-00-00 00:00:00", "", "draft", None),
    ],
)  # fmt: skip
def test_status_and_time(status, gmt, password, expected_status, expected_time):
    item = wp_item(status=status, post_date="2021-07-27 08:30:00", post_date_gmt=gmt)
    item.password = password
    plan = mapping.plan_post(item, UTC, NOW)
    assert (plan.status, plan.published_at, plan.skip) == (expected_status, expected_time, "")


@pytest.mark.parametrize("status", ["trash", "auto-draft", "inherit"])
def test_statuses_that_are_skipped(status):
    assert mapping.plan_post(wp_item(status=status), UTC, NOW).skip


def test_local_time_is_used_when_gmt_is_missing():
    item = wp_item(status="publish", post_date="2021-07-27 08:30:00", post_date_gmt="")
    plan = mapping.plan_post(item, mapping.get_timezone("Europe/Oslo"), NOW)
    assert plan.published_at == datetime(2021, 7, 27, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("login", "nicename"),
    [("mreyes", "mreyes"), ("lin.zhao", "lin-zhao"), ("Ann Lee", "ann-lee"), ("a@b.org", "ab-org")],
)
def test_author_nicename(login, nicename):
    assert mapping.author_nicename(login) == nicename


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        (f"{SITE}/2021/07/27/slug/", "", ["/2021/07/27/slug/"]),
        (f"{SITE}/slug/", "", ["/slug/"]),
        (f"{SITE}/?p=123", "", ["/?p=123"]),
        (f"{SITE}/index.php?p=123", "", ["/?p=123"]),
        (f"{SITE}/news/?p=5", "/news", ["/news/?p=5"]),
        (f"{SITE}/caf%c3%a9/", "", ["/caf%C3%A9/"]),
        (f"{SITE}/", "", []),
        (f"{SITE}/news/", "/news", []),
        ("https://elsewhere.example/2021/slug/", "", []),
    ],
)
def test_old_paths(url, base, expected):
    assert mapping.old_paths(url, HOSTS, base) == expected


def test_attribution_from_custom_fields():
    item = wp_item(status="publish")
    item.meta = {"source_url": ["https://paper.example.com/a"]}
    assert mapping.attribution_from_meta(item, HOSTS) == Attribution(
        "paper.example.com", "https://paper.example.com/a"
    )
    item.meta = {"canonical_url": [f"{SITE}/own/"]}
    assert mapping.attribution_from_meta(item, HOSTS) is None
    item.meta = {"_yoast_wpseo_canonical": ["https://www.wire.example/b"], "source_name": ["Wire"]}
    assert mapping.attribution_from_meta(item, HOSTS) == Attribution(
        "Wire", "https://www.wire.example/b"
    )
