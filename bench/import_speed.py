"""How fast the WordPress import runs: seconds per 1,000 posts, with and without media.

    .venv/bin/python bench/import_speed.py                      # 1,000 posts, both cases
    .venv/bin/python bench/import_speed.py --posts 200          # a quick look
    .venv/bin/python bench/import_speed.py --results bench/RESULTS.md   # record the result

Each case runs in a child process with its own throwaway folder (``NEWSROOM_VAR_DIR``: an
SQLite database, migrated, and the media storage), so nothing touches the developer's
database. The export is generated here (our own words, a realistic mix: 8 authors, 12
categories, 40 tags, 200-word bodies with links, a caption and an embed every few posts).
"With media" adds one attachment per post (a 1200×800 JPEG in the uploads folder), used as
the featured image and shown in the body. Timed: ``manage.py import_wordpress`` itself, a
first run into the empty site, then a second run (everything unchanged). A measurement, not
a test: the figures depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SITE = "https://bench.example"
START, END = "<!-- import-speed:start -->", "<!-- import-speed:end -->"
WORDS = [  # fmt: skip
    "harbour",
    "ferry",
    "quay",
    "council",
    "tide",
    "budget",
    "crane",
    "market",
    "boatyard",
    "pier",
    "lighthouse",
    "net",
    "storm",
    "regatta",
    "mooring",
    "dredger",
    "seawall",
    "oyster",
    "promenade",
    "timetable",
]


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def body(n: int, with_media: bool) -> str:
    sentences = [
        " ".join(WORDS[(n * 7 + i * 3 + j) % len(WORDS)] for j in range(12)).capitalize() + "."
        for i in range(16)
    ]
    parts = [" ".join(sentences[:6]), " ".join(sentences[6:11]), " ".join(sentences[11:])]
    parts.insert(1, f'See <a href="{SITE}/2020/01/0{n % 9 + 1}/post-{max(n - 1, 0)}/">earlier</a>.')
    if n % 5 == 0:
        parts.append(f"https://www.youtube.com/watch?v=bench{n}")
    if with_media:
        path = f"2020/{n % 12 + 1:02d}/photo-{n}"
        parts.insert(
            2,
            f'[caption id="attachment_{100000 + n}" width="300"]<img src="{SITE}/wp-content/'
            f'uploads/{path}-300x200.jpg" alt="" width="300" height="200"> The quay, '
            f"photographed.[/caption]",
        )
    return "\n\n".join(parts)


def post_item(n: int, with_media: bool) -> str:
    month, day = n % 12 + 1, n % 28 + 1
    date = f"2020-{month:02d}-{day:02d} 08:00:00"
    slug = f"post-{n}"
    terms = [
        f'<category domain="category" nicename="section-{n % 12}">{cdata(f"Section {n % 12}")}'
        "</category>",
        *(
            f'<category domain="post_tag" nicename="tag-{t}">{cdata(f"Tag {t}")}</category>'
            for t in {n % 40, (n * 3) % 40}
        ),
    ]
    meta = ""
    if with_media:
        meta = (
            f"<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
            f"<wp:meta_value>{100000 + n}</wp:meta_value></wp:postmeta>"
        )
    return f"""<item><title>Bench story number {n}</title>
<link>{SITE}/2020/{month:02d}/{day:02d}/{slug}/</link>
<dc:creator>{cdata(f"writer{n % 8}")}</dc:creator>
<content:encoded>{cdata(body(n, with_media))}</content:encoded>
<excerpt:encoded>{cdata("A story for the benchmark.")}</excerpt:encoded>
<wp:post_id>{n}</wp:post_id><wp:post_date>{date}</wp:post_date>
<wp:post_date_gmt>{date}</wp:post_date_gmt><wp:post_name>{slug}</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
{"".join(terms)}{meta}</item>
"""


def attachment_item(n: int) -> str:
    path = f"2020/{n % 12 + 1:02d}/photo-{n}.jpg"
    return f"""<item><title>Photo {n}</title><link>{SITE}/?attachment_id={100000 + n}</link>
<wp:post_id>{100000 + n}</wp:post_id><wp:status>inherit</wp:status>
<wp:post_type>attachment</wp:post_type><wp:post_parent>{n}</wp:post_parent>
<wp:attachment_url>{SITE}/wp-content/uploads/{path}</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>{path}</wp:meta_value>
</wp:postmeta><wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>
<wp:meta_value>Boats moored along the quay, picture {n}</wp:meta_value></wp:postmeta></item>
"""


def build_export(posts: int, with_media: bool) -> str:
    authors = "".join(
        f"<wp:author><wp:author_id>{i + 2}</wp:author_id><wp:author_login>writer{i}"
        f"</wp:author_login><wp:author_display_name>Writer {i}</wp:author_display_name>"
        "</wp:author>"
        for i in range(8)
    )
    items = [attachment_item(n) for n in range(posts)] if with_media else []
    items += [post_item(n, with_media) for n in range(posts)]
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bench</title><link>{SITE}</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>{SITE}</wp:base_site_url><wp:base_blog_url>{SITE}</wp:base_blog_url>
{authors}{"".join(items)}</channel></rss>
"""


def make_media(root: Path, posts: int) -> None:
    from PIL import Image

    for n in range(posts):
        target = root / f"2020/{n % 12 + 1:02d}/photo-{n}.jpg"
        target.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (1200, 800), (n % 255, 90, 140)).save(target, format="JPEG")


def child(posts: int, with_media: bool) -> dict:
    """One case, in this process's own throwaway site (set up by ``main``)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()
    from django.core.management import call_command

    var = Path(os.environ["NEWSROOM_VAR_DIR"])
    call_command("migrate", verbosity=0)
    export = var / "export.xml"
    export.write_text(build_export(posts, with_media), encoding="utf-8")
    options = {}
    if with_media:
        make_media(var / "uploads", posts)
        options["media_dir"] = str(var / "uploads")
    times = []
    for _ in range(2):
        with open(os.devnull, "w") as out:
            started = time.perf_counter()
            call_command("import_wordpress", str(export), stdout=out, **options)
            times.append(time.perf_counter() - started)
    from articles.models import Article

    return {"articles": Article.objects.count(), "first": times[0], "second": times[1]}


def run_case(posts: int, with_media: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="nr-import-bench-") as var:
        env = {**os.environ, "NEWSROOM_VAR_DIR": var, "MEDIA_ROOT": f"{var}/media"}
        for name in ("DATABASE_URL", "REDIS_URL", "AWS_STORAGE_BUCKET_NAME"):
            env.pop(name, None)
        args = [sys.executable, __file__, "--child", "--posts", str(posts)]
        if with_media:
            args.append("--media")
        result = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, check=True)
        return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--media", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--results", type=Path, help="write the figures into this file")
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(REPO))
        print(json.dumps(child(args.posts, args.media)))
        return
    load_before = os.getloadavg()[0]
    rows = []
    for with_media in (False, True):
        figures = run_case(args.posts, with_media)
        per_1000 = {key: figures[key] * 1000 / args.posts for key in ("first", "second")}
        label = "with media" if with_media else "without media"
        rows.append((label, figures, per_1000))
        print(
            f"{label}: {figures['articles']} posts; first run {figures['first']:.1f} s "
            f"({per_1000['first']:.1f} s per 1,000 posts), second run {figures['second']:.1f} s "
            f"({per_1000['second']:.1f} s per 1,000 posts)"
        )
    load_after = os.getloadavg()[0]
    print(f"load average (1 min) before / after: {load_before:.2f} / {load_after:.2f}")
    if args.results:
        record(args, rows, load_before, load_after)


def record(args, rows, load_before: float, load_after: float) -> None:
    lines = [
        f"## WordPress import speed ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})",
        "",
        f"Written by `bench/import_speed.py --posts {args.posts}` (a measurement, not a test):",
        "SQLite in a throwaway folder, local media storage; one process, timed around",
        "`manage.py import_wordpress`. With media: one 1200×800 JPEG per post (attachment,",
        "featured image and a captioned picture in the body).",
        "",
        f"- CPU: {os.cpu_count()} cores; Python {platform.python_version()}",
        f"- Load average (1 min) before / after: {load_before:.2f} / {load_after:.2f} "
        "(the machine is shared; above ~0.5 before, the figures are slower than alone)",
        "",
        "| case | posts | first run, s | s per 1,000 posts | second run (unchanged), s "
        "| s per 1,000 posts |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, figures, per_1000 in rows:
        lines.append(
            f"| {label} | {figures['articles']:,} | {figures['first']:.1f} | "
            f"{per_1000['first']:.1f} | {figures['second']:.1f} | {per_1000['second']:.1f} |"
        )
    block = START + "\n" + "\n".join(lines) + "\n" + END
    current = args.results.read_text() if args.results.exists() else ""
    if START in current and END in current:
        before, rest = current.split(START, 1)
        current = before + block + rest.split(END, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + block + "\n"
    args.results.write_text(current)
    print(f"written to {args.results}")


if __name__ == "__main__":
    main()
