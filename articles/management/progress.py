"""A one-line progress bar for management commands (`import_articles`)."""

from __future__ import annotations

import time

from django.core.management.base import OutputWrapper


def _plain(text: str) -> str:
    # On a terminal Django paints everything on stderr red; a progress bar is no error.
    return text


class Progress:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal."""

    WIDTH = 30

    def __init__(self, out: OutputWrapper, total: int) -> None:
        self.out = out
        self.total = max(total, 1)
        self.done = 0
        self.started = time.perf_counter()
        self.enabled = out.isatty()

    def advance(self, count: int) -> None:
        self.done += count
        if self.enabled:
            self._draw()

    def finish(self) -> None:
        if self.enabled:
            self.out.write("\r\033[K", style_func=_plain, ending="")
            self.out.flush()

    def _draw(self) -> None:
        share = min(self.done / self.total, 1.0)
        filled = round(share * self.WIDTH)
        rate = self.done / max(time.perf_counter() - self.started, 1e-6)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.out.write(
            f"\r[{bar}] {share:4.0%} {self.done:,}/{self.total:,} files, {rate:,.0f}/s",
            style_func=_plain,
            ending="",
        )
        self.out.flush()
