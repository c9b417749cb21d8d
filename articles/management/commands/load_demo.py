from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.demo import DEMO_ACCOUNTS, demo_load


class Command(BaseCommand):
    help = "Import the sample articles with their annotations and create the demo accounts."

    def handle(self, *args, **options) -> None:
        summary = demo_load(samples_dir=settings.BASE_DIR / "samples")
        self.stdout.write(
            f"Demo data: {summary.imported} articles imported, {summary.already_there} already "
            f"there, {summary.annotations_created} annotations created."
        )
        self.stdout.write("Demo accounts (local mode only):")
        for username, password, *_ in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<8} password: {password}")
        if summary.problems:
            raise CommandError(
                "Some demo data could not be loaded:\n" + "\n".join(summary.problems)
            )
