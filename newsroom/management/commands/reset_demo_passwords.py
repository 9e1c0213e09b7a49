"""``manage.py reset_demo_passwords``: take the published demo password off every account."""

from django.core.management.base import BaseCommand

from newsroom.demo.passwords import demo_passwords_reset


class Command(BaseCommand):
    help = (
        "Give every account that still has the demo password (newsroom-demo) a new random "
        "password, printed once; with --disable, remove their passwords instead."
    )
    # The demo-password check (newsroom/checks.py) refuses to run commands while the demo
    # password is in use; this command is how to fix that, so it must run regardless.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--disable",
            action="store_true",
            help="Set no usable password (sign-in impossible until one is set in the admin).",
        )

    def handle(self, *args, disable=False, **options):
        changed = demo_passwords_reset(disable=disable)
        if not changed:
            self.stdout.write("No account has the demo password.")
            return
        width = max(map(len, changed))
        for username, password in changed.items():
            shown = password if password is not None else "(password disabled)"
            self.stdout.write(f"  {username:<{width}}  {shown}")
        if not disable:
            self.stdout.write(
                "These passwords are shown only now: hand them over or change them in the admin."
            )
