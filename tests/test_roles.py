from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from articles.permissions import EDITORS_GROUP, is_editor
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_data_migration_creates_the_editors_group_with_annotation_permissions():
    editors = Group.objects.get(name=EDITORS_GROUP)
    codenames = set(editors.permissions.values_list("codename", flat=True))
    assert {"add_annotation", "change_annotation", "delete_annotation"} <= codenames
    assert "add_article" not in codenames


def test_editors_and_staff_are_editors_readers_are_not():
    assert is_editor(make_user(editor=True))
    assert is_editor(make_user(is_staff=True))
    assert not is_editor(make_user())


def test_reading_can_require_login(client, settings):
    settings.READING_REQUIRES_LOGIN = True
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    client.force_login(make_user())
    assert client.get("/").status_code == 200
