from __future__ import annotations

from django import template

from articles.forms import AnnotationCreateForm

register = template.Library()


@register.simple_tag
def blank_annotation_form() -> AnnotationCreateForm:
    """The empty create form the editor tools start with (the article page has no form)."""
    return AnnotationCreateForm()
