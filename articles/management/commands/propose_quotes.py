"""`manage.py propose_quotes [SLUG…]`: run the quote finder over stored articles."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from articles.services.suggestions import suggestions_propose_bulk


class Command(BaseCommand):
    help = (
        "Store the quote finder's proposals as suggestions for editors, for the articles "
        "named (by slug) or every article. Nothing already annotated, rejected or deleted "
        "is proposed again, so it is safe to run after `import_articles --no-quotes` or twice."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("slugs", nargs="*", metavar="SLUG", help="articles (default: all)")
        parser.add_argument(
            "--batch-size", type=int, default=500, help="articles read and stored at a time"
        )

    def handle(self, *args, **options) -> None:
        batch_size, slugs = options["batch_size"], options["slugs"]
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        articles = Article.objects.only("id", "body").order_by("id")
        if slugs:
            articles = articles.filter(slug__in=slugs)
            missing = set(slugs) - set(articles.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"no article with the slug {', '.join(sorted(missing))}")
        ids = list(articles.values_list("id", flat=True))
        created = 0
        for at in range(0, len(ids), batch_size):
            batch = list(articles.filter(id__in=ids[at : at + batch_size]))
            created += suggestions_propose_bulk(articles=batch)
        self.stdout.write(
            f"{created:,} suggestion{'' if created == 1 else 's'} stored for "
            f"{len(ids):,} article{'' if len(ids) == 1 else 's'}."
        )
