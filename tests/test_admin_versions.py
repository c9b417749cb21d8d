"""Correcting an article's text in the admin goes through the same service."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from articles.models import Annotation, ArticleVersion
from tests.factories import make_annotation, make_article, make_user

pytestmark = pytest.mark.django_db

BODY = "The minister said the budget was balanced.\n\nCritics disagreed."


def client_for(role: str) -> Client:
    client = Client()
    if role == "editor":
        client.force_login(make_user(editor=True))
    elif role == "staff_without_change":
        client.force_login(make_user(is_staff=True))
    elif role == "staff":
        user = make_user(is_staff=True)
        user.user_permissions.add(Permission.objects.get(codename="change_article"))
        client.force_login(user)
    elif role == "superuser":
        client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("editor", 302),  # not staff: the admin sends them to its login
        ("staff_without_change", 403),
        ("staff", 200),
        ("superuser", 200),
    ],
)
def test_the_admin_correct_page_needs_the_change_permission(role, expected):
    article = make_article(body=BODY)
    url = reverse("admin:articles_article_correct", args=[article.pk])
    assert client_for(role).get(url).status_code == expected


def test_saving_in_the_admin_makes_a_version_and_re_anchors():
    article = make_article(body=BODY)
    at = BODY.index("Critics disagreed.")
    claim = make_annotation(article, at, at + len("Critics disagreed."), kind="claim")
    client = client_for("superuser")
    url = reverse("admin:articles_article_correct", args=[article.pk])
    response = client.post(
        url, {"body": "Headline\n\n" + BODY, "reason": "Headline added", "note": ""}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.version_number == 2
    assert ArticleVersion.objects.get(article=article, number=2).reason == "Headline added"
    claim.refresh_from_db()
    assert article.body[claim.start : claim.end] == "Critics disagreed."
    assert claim.status == Annotation.Status.PUBLISHED
    change = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = change.content.decode()
    assert "Correct the text" in html and "now version 2" in html


def test_the_admin_refuses_a_correction_without_a_reason():
    article = make_article(body=BODY)
    url = reverse("admin:articles_article_correct", args=[article.pk])
    response = client_for("superuser").post(url, {"body": BODY + " x", "reason": ""})
    assert response.status_code == 200
    assert "Say why the text changes" in response.content.decode()
    assert ArticleVersion.objects.filter(article=article).count() == 1


def test_an_unknown_article_is_a_404():
    response = client_for("superuser").get("/admin/articles/article/999999/correct/")
    assert response.status_code in (302, 404)
