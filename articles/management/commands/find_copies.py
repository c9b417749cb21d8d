"""`manage.py find_copies`: find the copies of one story among the articles already stored.

The indexing worker links the copies of every article it indexes; articles stored before
copy detection existed (or whose text was corrected since their fingerprint) have none.
This fingerprints them in batches, in id order, and links each to its copies among all
fingerprinted articles, the batches before it included: one pass finds every pair. Run it
once after upgrading; running it again only looks at what changed (`--all` redoes all).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import F, Q

from articles.management.progress import Progress
from articles.models import Article
from articles.services.copies import story_copies_detect

BATCH_SIZE = 500


class Command(BaseCommand):
    help = (
        "Link the copies of one story across outlets among the articles already stored "
        "(those without a fingerprint of their current text, or all with --all)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="fingerprint every article again, not only new ones"
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, **options) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        articles = Article.objects.order_by("id").only("id", "body", "content_hash")
        if not options["all"]:
            articles = articles.filter(
                Q(fingerprint__isnull=True) | ~Q(fingerprint__content_hash=F("content_hash"))
            )
        progress = Progress(self.stderr, articles.count())
        last, seen, links = 0, 0, 0
        while batch := list(articles.filter(id__gt=last)[: options["batch_size"]]):
            links += story_copies_detect(articles=batch)
            last, seen = batch[-1].pk, seen + len(batch)
            progress.advance(len(batch))
        progress.finish()
        pairs = links // 2
        self.stdout.write(
            f"{seen:,} article{'' if seen == 1 else 's'} fingerprinted, "
            f"{pairs:,} new pair{'' if pairs == 1 else 's'} of copies linked."
        )
