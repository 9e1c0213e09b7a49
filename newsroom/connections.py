"""Keeping long-running commands' database connections usable."""

from django.db import close_old_connections, connections


def refresh_connections() -> None:
    """Drop connections that broke or outlived ``CONN_MAX_AGE``, as Django does between
    requests, so a long run survives a database restart.

    Not inside a transaction: there Django would see autocommit off and close the
    connection the transaction is using (a caller's ``atomic()`` block, or a test's).
    """
    if any(connection.in_atomic_block for connection in connections.all(initialized_only=True)):
        return
    close_old_connections()
