from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.importing.indexing import articles_index, articles_index_all
from articles.importing.storing import source_files_import
from articles.models import Annotation, AnnotationRevision, Speaker
from articles.services.suggestions import (
    suggestion_accept,
    suggestion_reject,
    suggestions_propose,
    suggestions_propose_bulk,
)
from tests.factories import make_annotation, make_article, make_speaker, make_user

pytestmark = pytest.mark.django_db

BODY = (
    "Treasury Secretary Janet Yellen spoke on Tuesday.\n\n"
    '"We will not stop until inflation is back to target," Yellen said.\n\n'
    '"It is a disaster for the port," said union leader Mick Walsh.'
)
YELLEN_WORDS = "We will not stop until inflation is back to target,"
WALSH_WORDS = "It is a disaster for the port,"


def quote_article():
    return make_article(body=BODY, structure=[])


def test_it_stores_proposals_as_suggested_quotes_with_matched_or_proposed_speakers():
    yellen = make_speaker("Janet Yellen", aliases=["Yellen"])
    article = quote_article()
    assert suggestions_propose(article=article) == 2
    first, second = Annotation.objects.filter(article=article).order_by("start")
    assert (first.kind, first.status) == (Annotation.Kind.QUOTE, Annotation.Status.SUGGESTED)
    assert first.exact == YELLEN_WORDS == BODY[first.start : first.end]
    assert first.speaker == yellen and first.proposed_speaker == ""
    assert second.exact == WALSH_WORDS
    assert second.speaker is None and second.proposed_speaker == "Mick Walsh"
    assert second.prefix == BODY[max(0, second.start - 32) : second.start]
    assert second.suffix == BODY[second.end : second.end + 32]
    assert first.author is None


def test_it_matches_speakers_case_insensitively_and_by_alias():
    walsh = make_speaker("Michael Walsh", aliases=["mick walsh"])
    article = quote_article()
    suggestions_propose(article=article)
    suggestion = Annotation.objects.get(article=article, exact=WALSH_WORDS)
    assert suggestion.speaker == walsh and suggestion.proposed_speaker == ""


def test_running_it_twice_proposes_nothing_new():
    article = quote_article()
    assert suggestions_propose(article=article) == 2
    assert suggestions_propose(article=article) == 0
    assert Annotation.objects.filter(article=article).count() == 2


def test_a_rejected_proposal_is_not_proposed_again():
    article = quote_article()
    suggestions_propose(article=article)
    suggestion = Annotation.objects.get(article=article, exact=WALSH_WORDS)
    suggestion_reject(annotation=suggestion, user=make_user(editor=True))
    assert suggestions_propose(article=article) == 0
    assert Annotation.objects.filter(article=article, exact=WALSH_WORDS).count() == 1


def test_a_suggestion_deleted_by_an_editor_is_not_proposed_again():
    from articles.services.annotations import annotation_delete

    article = quote_article()
    suggestions_propose(article=article)
    suggestion = Annotation.objects.get(article=article, exact=WALSH_WORDS)
    annotation_delete(annotation_id=suggestion.pk, user=make_user(editor=True))
    assert suggestions_propose(article=article) == 0


def test_the_same_words_rejected_elsewhere_are_not_proposed_again():
    article = quote_article()
    start = BODY.index(WALSH_WORDS)
    # Same words, other offsets (e.g. the finder's boundaries changed since).
    make_annotation(
        article, start, start + len(WALSH_WORDS), Annotation.Kind.QUOTE, status="rejected"
    )
    Annotation.objects.filter(article=article).update(start=start - 1)
    assert suggestions_propose(article=article) == 1
    assert not Annotation.objects.filter(article=article, status="suggested", exact=WALSH_WORDS)


def test_an_editors_overlapping_quote_suppresses_the_proposal():
    article = quote_article()
    start = BODY.index(WALSH_WORDS)
    make_annotation(article, start + 3, start + 10, Annotation.Kind.QUOTE)
    make_annotation(article, 0, 20, Annotation.Kind.HIGHLIGHT)
    assert suggestions_propose(article=article) == 1
    assert Annotation.objects.suggested().get(article=article).exact == YELLEN_WORDS


def test_bulk_takes_four_queries_whatever_the_number_of_articles():
    make_speaker("Janet Yellen", aliases=["Yellen"])
    articles = [quote_article() for _ in range(12)]
    # Speakers, existing annotations, deleted suggestions, one COPY.
    with CaptureQueriesContext(connection) as captured:
        assert suggestions_propose_bulk(articles=articles) == 24
    statements = [q["sql"] for q in captured.captured_queries]
    assert [s.split()[0] for s in statements] == ["SELECT", "SELECT", "SELECT", "COPY"]


def test_bulk_with_no_articles_touches_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert suggestions_propose_bulk(articles=[]) == 0


def test_accepting_publishes_with_the_matched_speaker_and_records_a_revision():
    yellen = make_speaker("Janet Yellen", aliases=["Yellen"])
    editor = make_user(editor=True)
    article = quote_article()
    suggestions_propose(article=article)
    suggestion = Annotation.objects.get(article=article, exact=YELLEN_WORDS)
    accepted = suggestion_accept(annotation=suggestion, user=editor)
    accepted.refresh_from_db()
    assert accepted.status == Annotation.Status.PUBLISHED
    assert accepted.speaker == yellen and accepted.author == editor
    revision = AnnotationRevision.objects.get(annotation_id=accepted.pk)
    assert revision.action == AnnotationRevision.Action.ACCEPTED
    assert revision.user == editor and revision.article_id == article.pk
    assert revision.before is not None and revision.after is not None
    assert revision.before["status"] == "suggested" and revision.after["status"] == "published"


def test_accepting_a_proposed_speaker_creates_them_with_their_surname_as_alias():
    article = quote_article()
    suggestions_propose(article=article)
    suggestion = Annotation.objects.get(article=article, exact=WALSH_WORDS)
    accepted = suggestion_accept(annotation=suggestion, user=make_user(editor=True))
    walsh = Speaker.objects.get(name="Mick Walsh")
    assert accepted.speaker == walsh and accepted.proposed_speaker == ""
    assert walsh.slug == "mick-walsh" and walsh.aliases == ["Walsh"]


def test_accepting_reuses_a_speaker_created_since_the_proposal():
    article = quote_article()
    suggestions_propose(article=article)
    walsh = make_speaker("MICK WALSH")
    suggestion = Annotation.objects.get(article=article, exact=WALSH_WORDS)
    assert suggestion_accept(annotation=suggestion, user=make_user(editor=True)).speaker == walsh
    assert Speaker.objects.count() == 1


def test_edit_then_accept_changes_span_speaker_and_note():
    editor = make_user(editor=True)
    article = quote_article()
    suggestions_propose(article=article)
    suggestion = Annotation.objects.get(article=article, exact=WALSH_WORDS)
    start = BODY.index("a disaster")
    accepted = suggestion_accept(
        annotation=suggestion,
        user=editor,
        start=start,
        end=start + len("a disaster"),
        speaker_name="Michael Walsh",
        note="Union leader",
    )
    accepted.refresh_from_db()
    assert accepted.exact == "a disaster" and accepted.note == "Union leader"
    assert accepted.speaker is not None
    assert accepted.speaker.name == "Michael Walsh"
    assert accepted.status == Annotation.Status.PUBLISHED
    assert not Speaker.objects.filter(name="Mick Walsh").exists()


def test_accepting_with_an_empty_speaker_name_publishes_without_speaker():
    article = quote_article()
    suggestions_propose(article=article)
    suggestion = Annotation.objects.get(article=article, exact=WALSH_WORDS)
    accepted = suggestion_accept(
        annotation=suggestion, user=make_user(editor=True), speaker_name=""
    )
    assert accepted.speaker is None and accepted.status == Annotation.Status.PUBLISHED


def test_a_span_outside_the_text_is_refused_and_changes_nothing():
    article = quote_article()
    suggestions_propose(article=article)
    suggestion = Annotation.objects.get(article=article, exact=WALSH_WORDS)
    with pytest.raises(ValidationError, match="outside the article text"):
        suggestion_accept(
            annotation=suggestion, user=make_user(editor=True), start=5, end=len(BODY) + 1
        )
    suggestion.refresh_from_db()
    assert suggestion.status == Annotation.Status.SUGGESTED
    assert not AnnotationRevision.objects.exists()


def test_rejecting_keeps_the_row_and_records_a_revision():
    editor = make_user(editor=True)
    article = quote_article()
    suggestions_propose(article=article)
    suggestion = Annotation.objects.get(article=article, exact=WALSH_WORDS)
    rejected = suggestion_reject(annotation=suggestion, user=editor)
    rejected.refresh_from_db()
    assert rejected.status == Annotation.Status.REJECTED
    assert not Speaker.objects.exists()
    revision = AnnotationRevision.objects.get(annotation_id=rejected.pk)
    assert (revision.action, revision.user) == (AnnotationRevision.Action.REJECTED, editor)


@pytest.mark.parametrize("first", ["accept", "reject"])
@pytest.mark.parametrize("second", ["accept", "reject"])
def test_a_suggestion_handled_meanwhile_by_someone_else_gets_a_clear_message(first, second):
    actions = {"accept": suggestion_accept, "reject": suggestion_reject}
    article = quote_article()
    suggestions_propose(article=article)
    suggestion = Annotation.objects.get(article=article, exact=WALSH_WORDS)
    stale = Annotation.objects.get(pk=suggestion.pk)
    actions[first](annotation=suggestion, user=make_user(editor=True))
    expected = "accepted" if first == "accept" else "rejected"
    with pytest.raises(ValidationError, match=f"already been {expected}"):
        actions[second](annotation=stale, user=make_user(editor=True))
    assert AnnotationRevision.objects.count() == 1


def test_a_deleted_suggestion_gets_a_clear_message():
    article = quote_article()
    suggestions_propose(article=article)
    suggestion = Annotation.objects.get(article=article, exact=WALSH_WORDS)
    Annotation.objects.filter(pk=suggestion.pk).delete()
    with pytest.raises(ValidationError, match="no longer exists"):
        suggestion_reject(annotation=suggestion, user=make_user(editor=True))


SOURCE = """Port strike talks collapse

07.01.2020

Felixstowe Gazette (7 January 2020)

"We are not going anywhere," said union leader Mick Walsh.

The "final" offer from the managers expires on Friday.
"""


def test_importing_proposes_quotes_for_each_new_article():
    yellen = make_speaker("Janet Yellen", aliases=["Yellen"])
    other = SOURCE.replace("Mick Walsh", "Janet Yellen").replace("collapse", "resume")
    results = source_files_import(
        files=[("a.txt", SOURCE.encode()), ("b.txt", other.encode())], batch_size=10
    )
    assert [r.status for r in results] == ["imported", "imported"]
    # Proposed by the indexer, after the import.
    assert not Annotation.objects.exists()
    assert articles_index_all().suggestions == 2
    first, second = (Annotation.objects.suggested().get(article=r.article) for r in results)
    assert first.exact == "We are not going anywhere," and first.proposed_speaker == "Mick Walsh"
    assert second.speaker == yellen and second.proposed_speaker == ""


def test_the_dry_run_json_lists_each_files_quotes(tmp_path):
    make_speaker("Michael Walsh", aliases=["Mick Walsh"])
    (tmp_path / "a.txt").write_text(SOURCE, encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_articles", str(tmp_path), dry_run=True, json=True, stdout=out, stderr=io.StringIO()
    )
    record = json.loads(out.getvalue().splitlines()[0])
    [parsed] = source_files_import(files=[("a.txt", SOURCE.encode())], dry_run=True)
    assert parsed.parsed is not None
    body = parsed.parsed.body
    [quote] = record["quotes"]
    assert quote == {
        "text": "We are not going anywhere,",
        "start": body.index("We are"),
        "end": body.index("We are") + len("We are not going anywhere,"),
        "speaker": "Michael Walsh",
    }
    assert not Annotation.objects.exists()


def test_the_finder_gets_only_the_speakers_a_body_could_mean_with_the_same_answers():
    from pathlib import Path

    from articles.importing.parsers import parse_source
    from articles.quotefinder import find_quotes
    from articles.services.suggestions import SpeakerBook

    samples = sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.txt"))
    bodies = [parse_source(p.read_bytes(), filename=p.name).body for p in samples]
    for body in bodies:
        for proposal in find_quotes(body):
            if (
                proposal.speaker
                and not Speaker.objects.filter(name__iexact=proposal.speaker).exists()
            ):
                parts = proposal.speaker.split()
                # Known by full name, by surname alias only, or by a decoy sharing the surname.
                make_speaker(proposal.speaker.upper(), aliases=[parts[-1]])
    for n in range(300):
        make_speaker(f"Decoy {n} Person{n}", aliases=[f"D{n}", "O'Brien"])
    book = SpeakerBook.load()
    for body in bodies:
        subset = book.known_for(body)
        assert len(subset) < len(book.known) / 2
        assert find_quotes(body, known_speakers=subset) == find_quotes(
            body, known_speakers=book.known
        )


def test_the_json_of_a_real_import_leaves_quotes_to_the_suggestions(tmp_path):
    (tmp_path / "a.txt").write_text(SOURCE, encoding="utf-8")
    out = io.StringIO()
    call_command("import_articles", str(tmp_path), json=True, stdout=out, stderr=io.StringIO())
    assert json.loads(out.getvalue().splitlines()[0])["quotes"] is None
    articles_index_all()
    assert Annotation.objects.suggested().get().exact == "We are not going anywhere,"


@pytest.mark.parametrize("count", [2, 40])
def test_an_import_chunk_and_its_indexing_cost_the_same_queries_whatever_its_size(
    count, django_assert_num_queries
):
    files = [
        (f"{n}.txt", SOURCE.replace("collapse", f"collapse {n}").encode()) for n in range(count)
    ]
    # The import's eleven for files without a URL (savepoint pair included) and its NOTIFY;
    # the quote finder has left the import's path.
    with django_assert_num_queries(12):
        source_files_import(files=files, batch_size=100)
    assert not Annotation.objects.exists()
    # The indexer: first the vectors' queue, one UPDATE; then, that queue found empty (one
    # UPDATE), the follow-up: savepoint pair, the batch, speakers, annotations, deleted
    # suggestions, one COPY, the UPDATE that clears the queue (copy detection left out
    # here: tests/test_importing_copies.py).
    with django_assert_num_queries(1):
        articles_index(batch_size=100)
    with django_assert_num_queries(9):
        articles_index(batch_size=100, detect_copies=False)
    assert Annotation.objects.suggested().count() == count


@pytest.mark.django_db(transaction=True)
def test_two_editors_deciding_at_once_one_wins_and_the_other_is_told():
    import threading

    from django.contrib.auth.models import Group
    from django.db import connection as main_connection

    from articles.permissions import EDITORS_GROUP

    Group.objects.get_or_create(name=EDITORS_GROUP)
    article = quote_article()
    suggestions_propose(article=article)
    pk = Annotation.objects.get(article=article, exact=WALSH_WORDS).pk
    editors = [make_user(editor=True), make_user(editor=True)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(action, user):
        from django.db import connection

        try:
            suggestion = Annotation.objects.get(pk=pk)  # both read it while still suggested
            barrier.wait()
            action(annotation=suggestion, user=user)
            outcomes.append("done")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(suggestion_accept, editors[0])),
        threading.Thread(target=decide, args=(suggestion_reject, editors[1])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    main_connection.close()
    done, told = sorted(outcomes, key=lambda outcome: outcome != "done")
    assert done == "done"
    assert told in {
        "This suggestion has already been accepted.",
        "This suggestion has already been rejected.",
    }
    assert AnnotationRevision.objects.filter(annotation_id=pk).count() == 1
    assert Annotation.objects.get(pk=pk).status in {"published", "rejected"}


def test_a_backfill_imports_without_quotes_and_proposes_them_later(tmp_path):
    (tmp_path / "a.txt").write_text(SOURCE, encoding="utf-8")
    call_command("import_articles", str(tmp_path), no_quotes=True, stdout=io.StringIO())
    assert articles_index_all().indexed == 1
    assert not Annotation.objects.exists()
    out = io.StringIO()
    call_command("propose_quotes", stdout=out)
    assert out.getvalue().strip() == "1 suggestion stored for 1 article."
    assert Annotation.objects.suggested().get().exact == "We are not going anywhere,"
    slug = Annotation.objects.get().article.slug
    out = io.StringIO()
    call_command("propose_quotes", slug, stdout=out)
    assert out.getvalue().strip() == "0 suggestions stored for 1 article."


def test_propose_quotes_names_unknown_slugs():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no article with the slug nope"):
        call_command("propose_quotes", "nope", stdout=io.StringIO())


def test_the_import_service_can_leave_quotes_for_later():
    source_files_import(files=[("a.txt", SOURCE.encode())], propose_quotes=False)
    assert articles_index_all().indexed == 1
    assert not Annotation.objects.exists()
