"""How list pages show a story: its headline (capitals in sentence case, articles/headlines.py)
and, without a summary, its first sentence."""

from __future__ import annotations

from django import template

from articles import rendering
from articles.headlines import sentence_case
from articles.search.snippets import first_sentence

register = template.Library()


@register.filter
def display_title(title: str, language: str = "") -> str:
    """{{ article.title|display_title:article.language }}: capitals shown in sentence case."""
    return sentence_case(title, language or "")


@register.filter
def opening(text: str) -> str:
    """{{ article.opening|opening }}: the first sentence of a story's opening words."""
    return first_sentence(text or "")


@register.filter
def verdict_badge(verdict: str) -> str:
    """{{ claim.verdict|verdict_badge }}: the verdict as text and a five-dot scale."""
    return rendering.verdict_badge(verdict or "")
