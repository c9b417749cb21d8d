"""Watching a Chromium page for Content-Security-Policy violations and script errors.

`watch_policy(page)` records every `securitypolicyviolation` event (through an init script, so
from the first byte of every document) and every console error or warning and uncaught
exception, into the list it returns. Chromium also logs each CSP violation to the console, so
a violation shows up even if the event listener were late.
"""

from __future__ import annotations

REPORTER = """
document.addEventListener("securitypolicyviolation", (e) => {
  const text = `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} `
    + `at ${e.sourceFile}:${e.lineNumber} ${e.sample}`;
  (window.__cspViolations = window.__cspViolations || []).push(text);
  window.__reportProblem("violation: " + text);
});
"""


def watch_policy(page) -> list[str]:
    problems: list[str] = []
    page.expose_function("__reportProblem", lambda text: problems.append(text))
    page.add_init_script(REPORTER)
    page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return problems


def settle(page) -> None:
    """Let events the page has queued (violation reports among them) be dispatched: one
    animation frame and one task later, not a fixed time."""
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => setTimeout(r)))")
