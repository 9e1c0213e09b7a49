"""Two workers racing for one send on PostgreSQL: exactly one gets the lease."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from newsletters import sending
from newsletters.models import Newsletter, Send


@pytest.mark.django_db(transaction=True)
def test_only_one_of_two_racing_workers_gets_the_lease():
    if connection.vendor != "postgresql":
        pytest.skip("the race is a PostgreSQL row-lock question (run with DATABASE_URL)")
    newsletter = Newsletter.objects.create(name="Daily digest", slug="daily-digest")
    send = Send.objects.create(
        newsletter=newsletter, subject="x", status="scheduled", scheduled_at=timezone.now()
    )
    first_holds = threading.Event()
    results = {}

    def first():
        with transaction.atomic():
            results["first"] = sending.lease_acquire(send.pk, "first")
            first_holds.set()
            threading.Event().wait(1.0)  # keep the row locked while the second one tries
        connections.close_all()

    def second():
        first_holds.wait()
        results["second"] = sending.lease_acquire(send.pk, "second")
        connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == {"first": True, "second": False}
    assert Send.objects.get(pk=send.pk).lease_token == "first"
