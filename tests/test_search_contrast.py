"""Search's highlighted words are readable in both themes: WCAG AA, 4.5:1 for body text.

Read from static/css/site.css itself: the rule for marks in snippets and titles, the custom
properties it uses in the light theme (:root) and the dark one (prefers-color-scheme).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parent.parent / "static" / "css" / "site.css").read_text()
AA = 4.5


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def theme(dark: bool) -> dict[str, str]:
    """The custom properties of the light theme, with the dark theme's over them."""
    light = re.search(r"^:root \{(.*?)\}", CSS, re.DOTALL | re.MULTILINE)
    assert light
    found = dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", light[1]))
    if dark:
        block = re.search(
            r"@media \(prefers-color-scheme: dark\) \{\s*:root \{(.*?)\}", CSS, re.DOTALL
        )
        assert block
        found |= dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", block[1]))
    return found


def declarations(selector: str) -> dict[str, str]:
    rule = re.search(rf"(?:^|,\s*){re.escape(selector)}\s*(?:,[^{{]*)?\{{([^}}]*)\}}", CSS, re.M)
    assert rule, f"no rule for {selector}"
    return {
        name.strip(): value.strip()
        for name, value in (part.split(":", 1) for part in rule[1].split(";") if ":" in part)
    }


def resolved(value: str, properties: dict[str, str]) -> str:
    match = re.fullmatch(r"var\((--[\w-]+)\)", value)
    return properties[match[1]] if match else value


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("selector", [".result-snippet mark", ".result-title mark"])
def test_marked_words_have_aa_contrast(selector, dark):
    properties = theme(dark)
    rule = declarations(selector)
    # `inherit` would take the snippet's muted grey: 4.46:1 on the dark quote background.
    assert rule["color"] != "inherit"
    colour, background = (resolved(rule[name], properties) for name in ("color", "background"))
    assert contrast(colour, background) >= AA


def test_the_muted_grey_the_rule_avoids_would_fail_in_the_dark_theme():
    # The check itself can fail: the colour the highlight had before is below AA.
    dark = theme(dark=True)
    assert contrast(dark["--muted"], dark["--quote-bg"]) < AA
