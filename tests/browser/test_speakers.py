"""The editors' Speakers page in Chromium (#13 bug 1): a refused rename or merge shows its
message in the row, and nothing is lost."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from articles.models import Speaker
from articles.permissions import EDITORS_GROUP
from tests.conftest import login_in_browser, run_axe
from tests.factories import make_speaker, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def speakers_page(page, live_server):
    Group.objects.get_or_create(name=EDITORS_GROUP)
    make_user("ed", editor=True)
    esper, milley = make_speaker("Mark Esper"), make_speaker("Mark Milley")
    login_in_browser(page, live_server, "ed")
    page.goto(live_server.url + "/editor/speakers/")
    return page, esper, milley


def test_refused_renames_and_merges_show_their_message_in_the_row(speakers_page, artifacts):
    page, esper, milley = speakers_page
    page.on("dialog", lambda dialog: dialog.accept())  # the merge asks first (hx-confirm)
    row = page.locator(f"#speaker-{esper.pk}")
    cases = [
        ("speaker-into", "Nobody At All", "Unknown speaker"),
        ("speaker-into", "Mark Esper", "Choose a different speaker"),
        ("speaker-name", "Mark Milley", "Mark Milley"),
    ]
    for field, value, message in cases:
        page.fill(f"#{field}-{esper.pk}", value)
        page.press(f"#{field}-{esper.pk}", "Enter")
        expect(row.get_by_role("alert")).to_contain_text(message)
    page.screenshot(path=str(artifacts / "speakers-refused.png"), full_page=True)
    assert run_axe(page) == []
    # Nothing changed, nothing lost: both speakers as they were.
    assert sorted(Speaker.objects.values_list("name", flat=True)) == ["Mark Esper", "Mark Milley"]
    # And a good merge still works.
    page.fill(f"#speaker-into-{milley.pk}", "Mark Esper")
    page.press(f"#speaker-into-{milley.pk}", "Enter")
    expect(page.locator(f"#speaker-{milley.pk}")).to_have_count(0)
    assert list(Speaker.objects.values_list("name", flat=True)) == ["Mark Esper"]
