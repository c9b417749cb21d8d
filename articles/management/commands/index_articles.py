"""`manage.py index_articles`: the indexing worker (search vectors and quote suggestions)."""

from __future__ import annotations

import signal
import time

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError, connection
from django.template.defaultfilters import pluralize

from articles.importing.indexing import (
    INDEX_BATCH_SIZE,
    INDEX_CHANNEL,
    QUEUES,
    IndexBatch,
    articles_index_all,
)
from articles.models import Article

# How often the stop flag is looked at while waiting for a notification.
_WAKE_SECONDS = 0.5
# Seconds before the first reconnection attempt, doubling after each failure up to the max.
_RECONNECT_FIRST = 0.5
_RECONNECT_MAX = 15.0
# What the database does when it restarts, drops the connection or is not up yet: Django's
# wrapped errors from queries, psycopg's own from `notifies()` (which Django does not wrap).
DATABASE_UNAVAILABLE = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)


class Command(BaseCommand):
    help = (
        "Index the articles that bulk imports queued: compute their search vectors (until "
        "then search does not find them), then store the quote finder's suggestions and "
        "look for copies of each story. Drains both queues, vectors first, then waits for "
        "imports to announce more (LISTEN) and polls now and then besides. Several "
        "workers may run side by side. Stops on SIGTERM or Ctrl-C after the batch in hand."
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
            "--queue",
            choices=QUEUES,
            default="all",
            help="vectors: search vectors only; followup: the quote finder and copy detection "
            "only; all (default): vectors first, then the rest",
        )
        parser.add_argument(
            "--poll",
            type=float,
            default=30.0,
            help="seconds between looks at the queue when no notification comes (default 30)",
        )

    def handle(self, *args, **options) -> None:
        batch_size, poll = options["batch_size"], options["poll"]
        self.queue = options["queue"]
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
            self._serve(batch_size, poll)
            self.stdout.write("Indexing worker stopped.")
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _serve(self, batch_size: int, poll: float) -> None:
        """Drain, wait, repeat until a signal. Whatever the database does (restarts, drops
        the connection, is down when the worker starts), reconnect with backoff and LISTEN
        again; each outage is reported once, when it starts, and once when it ends."""
        listening, first, outage, delay = False, True, None, _RECONNECT_FIRST
        try:
            while not self.stopping:
                try:
                    if not listening:
                        self._listen()
                        listening, delay = True, _RECONNECT_FIRST
                        if first:
                            self.stdout.write(
                                f"Indexing worker waiting for articles on {INDEX_CHANNEL!r} "
                                f"(polling every {poll:g} s)."
                            )
                            first = False
                        if outage is not None:
                            down = time.monotonic() - outage
                            self.stdout.write(f"Database back after {down:.0f} s; listening again.")
                            outage = None
                    self._drain(batch_size)
                    self._wait(poll)
                except DATABASE_UNAVAILABLE as exc:
                    if outage is None:
                        outage = time.monotonic()
                        reason = (str(exc).strip() or type(exc).__name__).splitlines()[0]
                        self.stderr.write(
                            f"Database unavailable ({reason}); reconnecting until it is back."
                        )
                    # A new connection must LISTEN again.
                    self._close()
                    listening = False
                    self._pause(delay)
                    delay = min(delay * 2, _RECONNECT_MAX)
        finally:
            # Closing the session ends its LISTEN; on a dead connection there is none to end.
            self._close()

    def _close(self) -> None:
        try:
            connection.close()
        except DATABASE_UNAVAILABLE:
            # A dead connection that fails to close is dropped all the same.
            connection.connection = None

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
                f"finder and copy detection over {progress.followed_up:,}, "
                f"{progress.suggestions:,} quote suggestion{pluralize(progress.suggestions)} "
                "stored"
            )

        total = articles_index_all(
            batch_size=batch_size, on_batch=report, stop=lambda: self.stopping, queue=self.queue
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
