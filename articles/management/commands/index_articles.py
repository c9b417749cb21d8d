"""`manage.py index_articles`: the indexing worker (search vectors and quote suggestions)."""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError, connection
from django.template.defaultfilters import pluralize

from articles.importing.indexing import (
    INDEX_BATCH_SIZE,
    INDEX_CHANNEL,
    IndexBatch,
    articles_index_all,
)
from articles.models import Article

# How often the stop flag is looked at while waiting for a notification.
_WAKE_SECONDS = 0.5


class Command(BaseCommand):
    help = (
        "Index the articles that bulk imports queued: compute their search vectors (until "
        "then search does not find them) and store the quote finder's suggestions. Drains "
        "the queue, then waits for imports to announce more (LISTEN) and polls now and then "
        "besides. Several workers may run side by side. Stops on SIGTERM or Ctrl-C after "
        "the batch in hand."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="drain the queue, then exit instead of waiting"
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=INDEX_BATCH_SIZE,
            help=f"articles per transaction (default {INDEX_BATCH_SIZE})",
        )
        parser.add_argument(
            "--poll",
            type=float,
            default=30.0,
            help="seconds between looks at the queue when no notification comes (default 30)",
        )

    def handle(self, *args, **options) -> None:
        batch_size, poll = options["batch_size"], options["poll"]
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        if poll <= 0:
            raise CommandError("--poll must be a positive number of seconds")
        self.stopping = False
        previous = {
            signum: signal.signal(signum, self._stop) for signum in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            if options["once"]:
                done = self._drain(batch_size)
                self.stdout.write(
                    f"{done.indexed:,} article{pluralize(done.indexed)} indexed, "
                    f"{done.suggestions:,} quote suggestion{pluralize(done.suggestions)} stored."
                )
                return
            self._listen()
            self.stdout.write(
                f"Indexing worker waiting for articles on {INDEX_CHANNEL!r} "
                f"(polling every {poll:g} s)."
            )
            listening = True
            try:
                while not self.stopping:
                    try:
                        if not listening:
                            self._listen()
                            listening = True
                        self._drain(batch_size)
                        self._wait(poll)
                    except (OperationalError, InterfaceError) as exc:
                        # The database restarted or the connection dropped: a new
                        # connection must LISTEN again.
                        self.stderr.write(f"Database connection lost ({exc}); reconnecting.")
                        connection.close()
                        listening = False
                        self._pause(min(poll, 5.0))
            finally:
                if connection.connection is not None:
                    with connection.cursor() as cursor:
                        cursor.execute("UNLISTEN *")
            self.stdout.write("Indexing worker stopped.")
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _stop(self, signum, frame) -> None:
        # The batch in hand finishes (its transaction commits) before the worker exits.
        self.stopping = True

    def _drain(self, batch_size: int) -> IndexBatch:
        started, progress = time.perf_counter(), IndexBatch()

        def report(done: IndexBatch) -> None:
            nonlocal progress
            progress += done
            seconds = time.perf_counter() - started
            self.stdout.write(
                f"indexed {progress.indexed:,} article{pluralize(progress.indexed)} "
                f"({progress.indexed / seconds:,.0f}/s), "
                f"{progress.suggestions:,} quote suggestion{pluralize(progress.suggestions)} "
                "stored"
            )

        total = articles_index_all(
            batch_size=batch_size, on_batch=report, stop=lambda: self.stopping
        )
        if total.indexed and self.stopping:
            left = Article.objects.waiting_for_index().count()
            self.stdout.write(f"Stopping with {left:,} article{pluralize(left)} still waiting.")
        return total

    def _listen(self) -> None:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute(f"LISTEN {connection.ops.quote_name(INDEX_CHANNEL)}")

    def _pause(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(_WAKE_SECONDS, max(deadline - time.monotonic(), 0)))

    def _wait(self, poll: float) -> None:
        """Until a notification, `poll` seconds, or a stop signal, whichever comes first."""
        deadline = time.monotonic() + poll
        pg = connection.connection
        while not self.stopping and time.monotonic() < deadline:
            timeout = min(_WAKE_SECONDS, deadline - time.monotonic())
            if any(True for _ in pg.notifies(timeout=max(timeout, 0), stop_after=1)):
                return
