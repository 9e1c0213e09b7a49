"""Send one digest to 50,000 subscribers through a local SMTP sink; kill the worker half-way.

    .venv/bin/python bench/newsletter_send.py [--subscribers 50000] [--batch 200] [--rate 0]

The send's rate limit (``NEWSLETTER_RATE_PER_SECOND``, 20 by default in production) is
lifted for the bench (``--rate 0``, the default here) so that it measures the sending path,
not the limiter; the report says which rate the worker ran with.

What it does (a measurement, not a test; issue 19):

1. A PostgreSQL database ``nr_newsletter_bench`` (``DATABASE_URL`` to choose another) is
   migrated and filled with N confirmed subscribers of one newsletter and one article.
2. An SMTP sink (aiosmtpd, in its own process) accepts everything and appends each
   recipient to a file — the count at the sink is the ground truth.
3. ``manage.py db_worker`` (the project's worker, in its own process) gets the send through
   the task queue (``send_schedule``, as the admin's "Send now" does).
4. When half the deliveries are recorded as sent, the worker is killed with SIGKILL — no
   clean-up of any kind — and a new worker is started. The send's watchdog task (queued by
   the first run, due once its lease runs out) resumes the send in the new worker.
5. Reported: messages/second while sending, total time (including the pause until the lease
   ran out), the peak resident memory (VmHWM) of each worker, and from the sink: addresses
   received, received twice, missing — against the deliveries' own record (sent, uncertain).

Appends the result to bench/RESULTS.md between the newsletter markers.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def sink(port: int, out: str) -> None:
    """The SMTP sink process: accept every mail, write one line per recipient."""
    from aiosmtpd.controller import Controller

    handle = open(out, "a", buffering=1)  # noqa: SIM115 — open for the process's life

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            for rcpt in envelope.rcpt_tos:
                handle.write(rcpt + "\n")
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


def peak_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--lease", type=int, default=10)
    parser.add_argument(
        "--rate",
        type=float,
        default=0,
        help="NEWSLETTER_RATE_PER_SECOND for the worker (default 0: no limit)",
    )
    parser.add_argument("--no-results", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from tests.smtp import free_port

    port = free_port()
    out = Path(os.environ.get("TMPDIR", "/tmp")) / f"newsletter-sink-{os.getpid()}.txt"
    out.write_text("")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nr_newsletter_bench"
        ),
        "TASKS_BACKEND": "database",
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "NEWSLETTER_RATE_PER_SECOND": str(args.rate),
        "NEWSLETTER_BATCH_SIZE": str(args.batch),
        "NEWSLETTER_LEASE_SECONDS": str(args.lease),
        "SITE_URL": "https://news.example.org",
        "LOG_LEVEL": "ERROR",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from articles.models import Article, Section
    from newsletters import services
    from newsletters.models import Delivery, Newsletter, Send, Subscriber, Subscription

    _ensure_database(env["DATABASE_URL"])
    call_command("migrate", verbosity=0)
    n = args.subscribers
    rate = settings.NEWSLETTER_RATE_PER_SECOND  # what the worker, started with env, reads too
    rate_note = f"{rate:g} msg/s" if rate > 0 else "off (NEWSLETTER_RATE_PER_SECOND=0)"
    print(f"Rate limit: {rate_note}", flush=True)
    print(f"Preparing {n:,} subscribers…", flush=True)
    Send.objects.all().delete()
    Subscriber.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_tasks_database_dbtaskresult")
    newsletter, _ = Newsletter.objects.get_or_create(
        slug="daily-digest", defaults={"name": "Daily digest", "is_default": True}
    )
    from django.utils import timezone

    now = timezone.now()
    subscribers = Subscriber.objects.bulk_create(
        (Subscriber(email=f"reader{i}@bench.example", confirmed_at=now) for i in range(n)),
        batch_size=5000,
    )
    Subscription.objects.bulk_create(
        (
            Subscription(subscriber=s, newsletter=newsletter, status="active", confirmed_at=now)
            for s in subscribers
        ),
        batch_size=5000,
    )
    section, _ = Section.objects.get_or_create(name="Bench")
    article = Article.objects.filter(slug="bench-article").first() or Article.objects.create(
        headline="The tram reaches the harbour",
        slug="bench-article",
        dek="A new line, three years late.",
        body="<p>The first tram ran at six.</p>" * 20,
        section=section,
        status="published",
        published_at=now,
    )
    send = services.send_create(newsletter=newsletter, articles=[article], subject="Bench digest")

    sink_proc = subprocess.Popen([PYTHON, __file__, "--sink", str(port), str(out)], env=env)
    time.sleep(1.0)

    def start_worker():
        return subprocess.Popen(
            [
                PYTHON,
                "manage.py",
                "db_worker",
                "--interval",
                "0.5",
                "--no-startup-delay",
                "--no-reload",
            ],
            cwd=ROOT,
            env=env,
        )

    worker = start_worker()
    started = time.monotonic()
    services.send_schedule(send=send)  # outside a transaction: queued at once
    peaks = []
    killed_at_sent = None
    first_stop = None
    while True:
        time.sleep(0.2)
        sent = Delivery.objects.filter(send=send, state="sent").count()
        if sent >= n // 2:
            peaks.append(peak_kib(worker.pid))
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            first_stop = time.monotonic()
            killed_at_sent = Delivery.objects.filter(send=send, state="sent").count()
            dead_token = Send.objects.get(pk=send.pk).lease_token
            print(f"Killed the worker with {killed_at_sent:,} sent", flush=True)
            break
        if worker.poll() is not None:
            raise SystemExit("the worker stopped by itself")
    worker = start_worker()
    restarted = time.monotonic()
    resumed_at = None
    while True:
        time.sleep(0.5)
        send.refresh_from_db()
        if resumed_at is None and send.lease_token not in {"", dead_token}:
            resumed_at = time.monotonic()
        if send.status == Send.Status.FINISHED:
            break
        peaks.append(peak_kib(worker.pid))
    finished = time.monotonic()
    peaks.append(peak_kib(worker.pid))
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=30)
    sink_proc.send_signal(signal.SIGTERM)
    sink_proc.wait(timeout=30)

    lines = [line for line in out.read_text().splitlines() if line]
    unique = set(lines)
    counts = dict(
        Delivery.objects.filter(send=send)
        .values_list("state")
        .annotate(c=Count("pk"))
        .values_list("state", "c")
    )
    uncertain = list(
        Delivery.objects.filter(send=send, state="uncertain").values_list(
            "subscriber__email", flat=True
        )
    )
    expected = {f"reader{i}@bench.example" for i in range(n)}
    missing = expected - unique
    duplicates = len(lines) - len(unique)
    sending_seconds = (first_stop - started) + (finished - (resumed_at or restarted))
    report = {
        "subscribers": n,
        "batch": args.batch,
        "rate limit": rate_note,
        "received at the sink": len(lines),
        "distinct addresses at the sink": len(unique),
        "received twice": duplicates,
        "missing at the sink": len(missing),
        "uncertain (recorded)": len(uncertain),
        "uncertain that did arrive": len(set(uncertain) & unique),
        "delivery states": counts,
        "sent when killed": killed_at_sent,
        "total time (s)": round(finished - started, 1),
        "pause until the lease ran out (s)": round((resumed_at or restarted) - first_stop, 1),
        "messages/s while sending": round(len(unique) / sending_seconds, 1),
        "peak worker memory (MiB)": round(max(peaks) / 1024, 1),
    }
    for key, value in report.items():
        print(f"{key}: {value}")
    out.unlink(missing_ok=True)
    if not args.no_results:
        _write_results(report)


def _ensure_database(url: str) -> None:
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _write_results(report: dict) -> None:
    import datetime
    import platform

    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text()
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    rows = "\n".join(f"| {key} | {value} |" for key, value in report.items())
    block = (
        "<!-- newsletter:start -->\n"
        f"`bench/newsletter_send.py --subscribers {report['subscribers']}` on {stamp} "
        f"(CPython {platform.python_version()}, PostgreSQL, 2 cores shared with other "
        f"sessions; load {os.getloadavg()[0]:.1f}; rate limit {report['rate limit']}). "
        "Worker killed with SIGKILL once half the deliveries were recorded sent, then a new "
        "worker started; the watchdog task "
        "resumed the send once the lease ran out.\n\n| measure | value |\n|---|---:|\n"
        f"{rows}\n<!-- newsletter:end -->"
    )
    if "<!-- newsletter:start -->" in text:
        head, rest = text.split("<!-- newsletter:start -->", 1)
        tail = rest.split("<!-- newsletter:end -->", 1)[1]
        text = head + block + tail
    else:
        text = text.rstrip() + (
            "\n\n## Newsletter send, worker killed half-way "
            "(`bench/newsletter_send.py`)\n\n" + block + "\n"
        )
    path.write_text(text)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--sink":
        sink(int(sys.argv[2]), sys.argv[3])
    else:
        main()
