"""Importing source files: parse, find duplicates, store articles with their outlet and file.

Files are handled in chunks. A chunk costs a fixed handful of queries whatever its size
(one duplicate lookup, one outlet lookup, one slug check, one to allocate ids, one COPY
each for source files and articles, one NOTIFY for the indexer; two more when it brings new
outlets), and is stored
in one transaction. If that transaction fails (another import stored the same article a moment
earlier, say), the chunk is stored again file by file, each in its own savepoint, so one
bad file never costs the others and never leaves half an article behind.

New articles go into the indexing queue (`Article.index_pending`): their search vector and
the quote finder's proposals cost several times what storing them does, so the indexer
(`articles.importing.indexing`, run by `manage.py index_articles`) does that work after the
import, woken by a NOTIFY on INDEX_CHANNEL sent as each chunk commits.

Every source file gets a SourceFile record, whatever became of it; files that are none
(skipped) are only reported. A dry run parses only and touches the database not at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import CharField, Model, Q

from articles.db import allocate_ids, copy_rows
from articles.importing.indexing import INDEX_CHANNEL
from articles.importing.parsers import ParsedArticle, ParseError, parse_source
from articles.importing.parsers.archives import ImportLimits, SourceEntry, expand_uploads
from articles.importing.parsers.language import detect_language
from articles.importing.parsers.registry import not_a_source_file
from articles.models import Article, ArticleVersion, Outlet, SourceFile
from articles.names import fold_name, name_slug
from articles.services.versions import article_correct

# A dry run's status for a file that parsed; every other status is a SourceFile.Status,
# except SKIPPED: a file that is no source file at all (readme.md in a zip, a link out of
# the folder given). Skipped files get no SourceFile record (SourceFile.Status has no such
# status, and the schema stays as it is), only their ImportResult.
PARSED = "parsed"
SKIPPED = "skipped"

# Slug = title words + "-" + content-hash prefix; the prefix makes collisions rare enough
# that one bulk check per chunk settles them.
_SLUG_HASH_CHARS = 8
_SLUG_TITLE_CHARS = 255 - 1 - 64


@dataclass
class ImportResult:
    name: str  # file name, or "archive.zip/path/inside.txt"
    status: str  # a SourceFile.Status, or PARSED (dry run)
    error: str | None = None
    # The imported article, or the existing one a duplicate matches. Existing articles
    # are loaded with only id, slug, title, content_hash and original_url.
    article: Article | None = None
    parsed: ParsedArticle | None = None
    source_file: SourceFile | None = None
    version: int | None = None  # UPDATED: the article's new version number


def import_limits() -> ImportLimits:
    """The limits from settings, for uploads through the admin."""
    return ImportLimits(
        max_file_bytes=settings.IMPORT_MAX_FILE_BYTES,
        max_files=settings.IMPORT_MAX_FILES,
        max_uncompressed_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
        max_compression_ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
    )


def source_files_import(
    *,
    files: Iterable[tuple[str, bytes] | SourceEntry],
    user=None,
    dry_run: bool = False,
    batch_size: int = 500,
    limits: ImportLimits | None = None,
    on_chunk: Callable[[list[ImportResult]], None] | None = None,
    propose_quotes: bool = True,
    update_existing: bool | None = None,
) -> list[ImportResult]:
    """Import source files and .zip archives (expanded member by member); never raises for
    bad content: each file's fate is in its ImportResult, in input order.

    ``limits`` defaults to the settings; ``on_chunk`` is called with each chunk's results
    as soon as they are stored (progress bars). ``dry_run`` parses only, with no queries.
    New articles are stored in the indexing queue: not searchable until the indexer
    (`articles_index`) has computed their search vector and, when ``propose_quotes``, run
    the quote finder over them and stored its proposals as suggestions for editors.

    A file whose original URL is a stored article's but whose content differs makes a new
    version of that article (status UPDATED, `version` set; annotations re-anchored by
    `article_correct`), unless ``update_existing`` is false (default: the IMPORT_UPDATES
    setting), when it is a duplicate as before.
    """
    if update_existing is None:
        update_existing = settings.IMPORT_UPDATES
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    entries = expand_uploads(files, limits or import_limits())
    results: list[ImportResult] = []
    # Parsing stays on this thread: a parse thread was measured slower (it fights the COPY
    # loop for the GIL), and the database's work, not parsing, is what bounds an import.
    for chunk in _chunks(entries, batch_size):
        pending = [_parse(entry, for_storage=not dry_run) for entry in chunk]
        to_store = [p for p in pending if not p.skipped]
        stored: Iterator[ImportResult]
        if dry_run:
            stored = iter(
                ImportResult(
                    p.name,
                    SourceFile.Status.FAILED if p.error else PARSED,
                    p.error,
                    parsed=p.parsed,
                )
                for p in to_store
            )
        else:
            options = _StoreOptions(propose_quotes=propose_quotes, update_existing=update_existing)
            stored = iter(_store(to_store, user, options) if to_store else [])
        chunk_results = [
            ImportResult(p.name, SKIPPED, p.error) if p.skipped else next(stored) for p in pending
        ]
        results.extend(chunk_results)
        if on_chunk is not None:
            on_chunk(chunk_results)
    return results


@dataclass
class _Pending:
    """A file between parsing and storing, with what storing needs computed up front."""

    name: str
    data: bytes
    parsed: ParsedArticle | None
    error: str | None
    sha256: str = ""
    language: str = ""
    skipped: bool = False  # no source file at all: reported, never stored


def _chunks(entries: Iterator[SourceEntry], size: int) -> Iterator[list[SourceEntry]]:
    while chunk := list(islice(entries, size)):
        yield chunk


def _parse(entry: SourceEntry, *, for_storage: bool) -> _Pending:
    """Everything that needs no database: decode, parse, hash, detect the language."""
    if entry.skipped:
        return _Pending(entry.name, b"", None, entry.error, skipped=True)
    if entry.error is None and (reason := not_a_source_file(entry.data, entry.name)):
        return _Pending(entry.name, b"", None, reason, skipped=True)
    sha256 = hashlib.sha256(entry.data).hexdigest() if for_storage else ""
    if entry.error is not None:
        return _Pending(entry.name, entry.data, None, entry.error, sha256)
    try:
        parsed = parse_source(entry.data, filename=entry.name)
    except ParseError as exc:
        return _Pending(entry.name, entry.data, None, exc.message, sha256)
    language = ""
    if for_storage:
        language = detect_language(f"{parsed.title}\n{parsed.body}")
    error = _too_long_for_storage(parsed)
    return _Pending(entry.name, entry.data, parsed, error, sha256, language)


# Parsed field -> Article field whose max_length it must respect.
_LENGTH_CHECKED = {
    "title": "title",
    "agency": "agency",
    "url": "original_url",
    "source_note": "source_note",
}


def _too_long_for_storage(parsed: ParsedArticle) -> str | None:
    for attr, field_name in _LENGTH_CHECKED.items():
        value = getattr(parsed, attr) or ""
        column = _length_limit(Article, field_name)
        if len(value) > column.max_length:
            label, limit = column.verbose_name, column.max_length
            return f"the {label} is {len(value):,} characters long (limit {limit:,})"
    limit = _length_limit(Outlet, "name").max_length
    if len(parsed.outlet) > limit:
        return f"the outlet name is {len(parsed.outlet):,} characters long (limit {limit:,})"
    return None


@dataclass(frozen=True)
class _LengthLimit:
    max_length: int
    verbose_name: str


def _length_limit(model: type[Model], field_name: str) -> _LengthLimit:
    field = model._meta.get_field(field_name)
    # Every field whose length is checked is a CharField (or a URLField) with a max_length.
    assert isinstance(field, CharField) and field.max_length is not None, field_name
    return _LengthLimit(max_length=field.max_length, verbose_name=str(field.verbose_name))


@dataclass(frozen=True)
class _StoreOptions:
    propose_quotes: bool
    update_existing: bool


def _store(pending: list[_Pending], user, options: _StoreOptions) -> list[ImportResult]:
    try:
        with transaction.atomic():
            return _store_chunk(pending, user, options)
    except DatabaseError:
        # Typically a race: an article or outlet appeared since we looked. File by file,
        # each file either stores completely or not at all.
        return [_store_one(item, user, options) for item in pending]


def _store_one(item: _Pending, user, options: _StoreOptions) -> ImportResult:
    error: DatabaseError | None = None
    # A second attempt sees what the first collided with and reports a duplicate.
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return _store_chunk([item], user, options)[0]
        except DatabaseError as exc:
            error = exc
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    failed = _Pending(item.name, item.data, None, f"could not store the article ({reason})")
    with transaction.atomic():
        return _store_chunk([failed], user, options)[0]


def _store_chunk(pending: list[_Pending], user, options: _StoreOptions) -> list[ImportResult]:
    """Store one chunk in a fixed number of queries; the caller provides the transaction."""
    # No error means the file parsed (`_parse`); `valid` holds what there is to store.
    valid = [p.parsed for p in pending if p.error is None and p.parsed is not None]
    _lock_urls({p.url for p in valid if p.url})
    existing_by_hash, existing_by_url = _existing_articles(valid)

    # Decide every file's fate before writing anything.
    results = [
        ImportResult(p.name, SourceFile.Status.FAILED, p.error, parsed=p.parsed) for p in pending
    ]
    new_by_hash: dict[str, int] = {}
    new_by_url: dict[str, int] = {}
    duplicate_of_new: dict[int, int] = {}  # result index -> index of the new article's file
    updates: list[int] = []  # result indexes of files that make a new version
    new_indexes: list[int] = []
    new_parsed: list[ParsedArticle] = []
    for index, item in enumerate(pending):
        parsed = item.parsed
        if item.error is not None:
            continue
        assert parsed is not None  # as in `valid`
        digest, url = parsed.content_hash, parsed.url
        existing = existing_by_hash.get(digest) or (url and existing_by_url.get(url))
        earlier = new_by_hash.get(digest)
        if earlier is None and url:
            earlier = new_by_url.get(url)
        by_url = url and not existing_by_hash.get(digest) and existing_by_url.get(url)
        if by_url and options.update_existing and earlier is None:
            # Rare (a corrected wire story): stored after the chunk's bulk work, one by one.
            results[index].status, results[index].article = SourceFile.Status.UPDATED, by_url
            updates.append(index)
        elif existing:
            results[index].status, results[index].article = SourceFile.Status.DUPLICATE, existing
        elif earlier is not None:
            results[index].status = SourceFile.Status.DUPLICATE
            duplicate_of_new[index] = earlier
        else:
            results[index].status = SourceFile.Status.IMPORTED
            new_indexes.append(index)
            new_parsed.append(parsed)
            new_by_hash[digest] = index
            if url:
                new_by_url[url] = index

    new_articles: list[Article] = []
    source_ids, article_ids = allocate_ids((SourceFile, len(pending)), (Article, len(new_indexes)))
    if new_indexes:
        outlets = _outlets_for([p.outlet for p in new_parsed])
        slugs = _unique_slugs(new_parsed)
        for index, parsed, slug, pk in zip(
            new_indexes, new_parsed, slugs, article_ids, strict=True
        ):
            outlet = outlets[fold_name(parsed.outlet)]
            article = _article(parsed, outlet=outlet, slug=slug, language=pending[index].language)
            article.pk, article.source_file_id = pk, source_ids[index]
            article.quotes_pending = options.propose_quotes
            results[index].article = article
            new_articles.append(article)
        for index, earlier in duplicate_of_new.items():
            results[index].article = results[earlier].article

    source_files: list[SourceFile] = []
    for item, result, pk in zip(pending, results, source_ids, strict=True):
        result.source_file = SourceFile(
            pk=pk,
            name=_fit_name(item.name),
            content=item.data,
            size=len(item.data),
            sha256=item.sha256,
            encoding=item.parsed.encoding if item.parsed else "",
            status=result.status,
            error=result.error or "",
            article=result.article,
            imported_by=user,
        )
        source_files.append(result.source_file)
    # Files first: articles point at them, and they at the articles (the foreign keys are
    # checked at commit, so the order within the transaction does not matter).
    copy_rows(source_files)
    copy_rows(new_articles)
    for index in updates:
        _update(results[index], user)
    if new_articles:
        with connection.cursor() as cursor:
            # Delivered when the chunk commits (and not at all if it rolls back).
            cursor.execute("SELECT pg_notify(%s, '')", [INDEX_CHANNEL])
    return results


def _update(result: ImportResult, user) -> None:
    """Make the file's text a new version of the article with its URL (`article_correct`,
    which re-anchors its annotations); a text the service refuses fails the file."""
    parsed, article, source_file = result.parsed, result.article, result.source_file
    assert parsed is not None and article is not None and source_file is not None
    try:
        with transaction.atomic():
            corrected = article_correct(
                article=article,
                title=parsed.title,
                body=parsed.body,
                structure=[{"kind": b.kind, "start": b.start, "end": b.end} for b in parsed.blocks],
                reason=f"Updated by the import of {_fit_name(result.name)}"[:300],
                note="",
                user=user,
                source_file=source_file,
                kind=ArticleVersion.Kind.UPDATE,
            )
    except ValidationError as error:
        result.status, result.error = SourceFile.Status.FAILED, "; ".join(error.messages)
        SourceFile.objects.filter(pk=source_file.pk).update(
            status=result.status, error=result.error
        )
        return
    result.version = corrected.version.number
    article.title = parsed.title


def _fit_name(name: str) -> str:
    limit = _length_limit(SourceFile, "name").max_length
    # The end of a long path (the file name) says more than its start.
    return name if len(name) <= limit else "…" + name[-(limit - 1) :]


def _lock_urls(urls: Iterable[str]) -> None:
    """Hold, until the transaction ends, a lock per original URL being imported.

    Content duplicates are stopped by the unique content_hash; URLs have no unique
    constraint (old articles may share one), so concurrent imports of one URL take turns:
    whoever comes second finds the first one's article and reports a duplicate. Locks
    are taken in a fixed order, so two imports never wait for each other in a circle.
    """
    urls = sorted(set(urls))
    if not urls:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT pg_advisory_xact_lock(hashtext('newsreader.import.url'), key)
            FROM (SELECT DISTINCT hashtext(url) AS key FROM unnest(%s::text[]) AS url) AS keys
            ORDER BY key
            """,
            [urls],
        )


def _existing_articles(
    valid: list[ParsedArticle],
) -> tuple[dict[str, Article], dict[str, Article]]:
    """Stored articles with the same content or the same original URL, in one query."""
    hashes = {p.content_hash for p in valid}
    urls = {p.url for p in valid if p.url}
    if not hashes:
        return {}, {}
    match = Q(content_hash__in=hashes)
    if urls:
        match |= Q(original_url__in=urls)
    found = Article.objects.filter(match).only(
        "id", "slug", "title", "content_hash", "original_url"
    )
    by_hash: dict[str, Article] = {}
    by_url: dict[str, Article] = {}
    for article in found:
        by_hash[article.content_hash] = article
        if article.original_url:
            by_url.setdefault(article.original_url, article)
    return by_hash, by_url


def _outlets_for(names: list[str]) -> dict[str, Outlet]:
    """Outlets by folded name (`fold_name`), matched case-insensitively, created when missing.

    The database's lower() does the matching, so it agrees with the unique index. An
    outlet that a concurrent import creates meanwhile is simply found, not fought over.
    """
    wanted = list(dict.fromkeys(names))
    outlets = _find_outlets(wanted)
    missing = [name for name in wanted if fold_name(name) not in outlets]
    if missing:
        first_spellings = {fold_name(name): name for name in reversed(missing)}
        _create_outlets(list(first_spellings.values()))
        outlets.update(_find_outlets(missing))
        if any(fold_name(name) not in outlets for name in missing):
            # Only if another import took the slug in between; the retry picks another.
            raise IntegrityError("a new outlet's slug was taken by a concurrent import")
    return outlets


def _find_outlets(names: list[str]) -> dict[str, Outlet]:
    # The outlets built as raw() would build them, with the name each was found by beside
    # it rather than as an attribute the model does not declare.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT o.id, o.name, o.slug, v.wanted
            FROM unnest(%s::text[]) AS v(wanted)
            JOIN {Outlet._meta.db_table} AS o ON lower(o.name) = lower(v.wanted)
            """,
            [names],
        )
        rows = cursor.fetchall()
    return {
        fold_name(wanted): Outlet.from_db(
            connection.alias, ["id", "name", "slug"], (pk, name, slug)
        )
        for pk, name, slug, wanted in rows
    }


def _create_outlets(names: list[str]) -> None:
    slugs = {name: name_slug(name, fallback="outlet") for name in names}
    taken = set(Outlet.objects.filter(slug__in=slugs.values()).values_list("slug", flat=True))
    outlets = []
    for name in names:
        slug = slugs[name]
        if slug in taken:
            slug = f"{slug}-{hashlib.sha256(name.lower().encode()).hexdigest()[:6]}"
        taken.add(slug)
        outlets.append(Outlet(name=name, slug=slug))
    # ON CONFLICT DO NOTHING waits for a concurrent import creating the same outlet and
    # then leaves its row be; the lookup after this finds it.
    Outlet.objects.bulk_create(outlets, ignore_conflicts=True)


def _unique_slugs(parsed: list[ParsedArticle]) -> list[str]:
    """Title slug plus a hash prefix; the full hash (unique like content_hash) on collision."""
    bases = [name_slug(p.title, max_length=_SLUG_TITLE_CHARS, fallback="article") for p in parsed]
    short = [
        f"{base}-{p.content_hash[:_SLUG_HASH_CHARS]}" for base, p in zip(bases, parsed, strict=True)
    ]
    taken = set(Article.objects.filter(slug__in=short).values_list("slug", flat=True))
    slugs = []
    for base, slug, p in zip(bases, short, parsed, strict=True):
        if slug in taken:
            slug = f"{base}-{p.content_hash}"
        taken.add(slug)
        slugs.append(slug)
    return slugs


def _article(parsed: ParsedArticle, *, outlet: Outlet, slug: str, language: str) -> Article:
    return Article(
        title=parsed.title,
        slug=slug,
        summary=parsed.summary or "",
        published_on=parsed.published,
        outlet=outlet,
        agency=parsed.agency or "",
        original_url=parsed.url or "",
        source_note=parsed.source_note or "",
        language=language,
        body=parsed.body,
        structure=[{"kind": b.kind, "start": b.start, "end": b.end} for b in parsed.blocks],
        content_hash=parsed.content_hash,
        # Into the indexing queues: the trigger leaves the search vector to the indexer,
        # which looks for copies of the story after (and runs the finder if asked).
        index_pending=True,
        copies_pending=True,
    )
