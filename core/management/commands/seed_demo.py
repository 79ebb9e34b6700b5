"""Build the demo city. Each app contributes through a ``demo.py`` module with ``seed(context)``,
run in INSTALLED_APPS order (org before projects before residents...). Safe to run again."""

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.module_loading import module_has_submodule

DEFAULT_DEMO_PASSWORD = "Demo#2026zb"


@dataclass
class SeedContext:
    password: str
    stdout: object
    logins: list = field(default_factory=list)  # (username, role label, organisation)
    shared: dict = field(default_factory=dict)  # what one app's seed hands to the next


class Command(BaseCommand):
    help = "Load the demo city (淄博) with organisations, one account per role and sample data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_DEMO_PASSWORD,
            help="Password of every demo account (default: %(default)s).",
        )

    def handle(self, *args, password, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run in production mode (PORTAL_ENV=production).")
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError("The demo password is too weak: " + " ".join(error.messages)) from error

        modules = [
            import_module(f"{config.name}.demo")
            for config in apps.get_app_configs()
            if module_has_submodule(config.module, "demo")
        ]

        context = SeedContext(password=password, stdout=self.stdout)
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            for module in modules:
                module.seed(context)

            self._print_logins(context)

    def _print_logins(self, context):
        self.stdout.write(
            self.style.SUCCESS("Demo city ready. Log in at http://127.0.0.1:8000/accounts/login/")
        )
        self.stdout.write(f"Password of every demo account: {context.password}")
        width = max((len(u) for u, _r, _o in context.logins), default=10)
        for username, role, organisation in context.logins:
            self.stdout.write(f"  {username.ljust(width)}  {role}  ({organisation})")
