"""System checks that keep a misconfigured production site from starting.

``runserver``, ``check`` (with or without ``--deploy``), ``migrate`` and gunicorn's start
(gunicorn.conf.py, ``on_starting``) run them, so an error here stops the server before it
answers anyone.
"""

from django.conf import settings
from django.core import checks
from django.db import DatabaseError

RESET_COMMAND = "python manage.py reset_demo_passwords"


@checks.register(checks.Tags.security)
def demo_passwords_check(app_configs=None, **kwargs):
    """newsroom.E001: with DEBUG off, no account may still have the published demo password.

    Not tagged ``database`` on purpose: such checks are skipped by ``runserver`` and plain
    ``check``, and this one must stop those. Before the first ``migrate`` there is no user
    table and nothing to check.
    """
    if settings.DEBUG:
        return []
    from newsroom.demo.passwords import demo_password_accounts

    try:
        accounts = demo_password_accounts()
    except DatabaseError:
        return []
    if not accounts:
        return []
    return [
        checks.Error(
            f"These accounts still have the published demo password, so anyone can sign in "
            f"as them: {', '.join(accounts)}.",
            hint=f"Run `{RESET_COMMAND}` to give each a new random password (shown once), "
            f"or `{RESET_COMMAND} --disable` to disable their passwords.",
            id="newsroom.E001",
        )
    ]
