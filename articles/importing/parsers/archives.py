"""Turn uploads (plain files and .zip archives) into source files, enforcing the import limits.

Pure: bytes in, entries out, no Django and no file system. Every problem is reported on
the entry it concerns, so one bad member of an archive never hides the good ones, and a
clear message reaches the editor instead of an exception.
"""

from __future__ import annotations

import posixpath
import re
import stat
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from io import BytesIO

ZIP_SUFFIX = ".zip"
# Entries no editor means to import: macOS resource forks and Finder litter.
_JUNK_DIRS = ("__MACOSX/",)
_JUNK_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
# Tiny entries compress absurdly well (a page of blanks) and cannot hurt, so the ratio
# check starts above this size.
_RATIO_MIN_BYTES = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class ImportLimits:
    """Upper bounds for one import; None means unbounded (the command has no file cap)."""

    max_file_bytes: int
    max_files: int | None
    max_uncompressed_bytes: int
    max_compression_ratio: int


@dataclass(frozen=True)
class SourceEntry:
    """One would-be source file. ``error`` set means it must not be parsed or stored;
    ``skipped`` too means it is no source file at all (``error`` says why): it is reported
    as skipped and gets no SourceFile record."""

    name: str
    data: bytes
    error: str | None = None
    skipped: bool = False


def is_zip_name(name: str) -> bool:
    return name.lower().endswith(ZIP_SUFFIX)


def upload_size_error(name: str, size: int, limits: ImportLimits) -> str | None:
    """Check an upload's size before reading it: archives may be larger than single files."""
    if is_zip_name(name):
        if size > limits.max_uncompressed_bytes:
            return (
                f"archive is too large ({size:,} bytes; the limit is "
                f"{limits.max_uncompressed_bytes:,} bytes)"
            )
        return None
    if size > limits.max_file_bytes:
        return _too_large(size, limits)
    return None


def expand_uploads(
    uploads: Iterable[tuple[str, bytes] | SourceEntry], limits: ImportLimits
) -> Iterator[SourceEntry]:
    """Yield one entry per source file: plain uploads as they are, archives member by member.

    Lazy, so a folder of 100,000 files is never all in memory at once. An entry that
    arrives already failed (say, an upload too large to read) passes through unchanged.
    """
    count = 0
    for upload in uploads:
        if isinstance(upload, SourceEntry):
            entries: Iterable[SourceEntry] = [upload]
        else:
            name, data = upload
            entries = (
                _expand_zip(name, data, limits)
                if is_zip_name(name)
                else [_plain(name, data, limits)]
            )
        for entry in entries:
            count += 1
            if limits.max_files is not None and count > limits.max_files:
                yield SourceEntry(
                    entry.name,
                    b"",
                    f"too many files: one import takes at most {limits.max_files:,}",
                )
            else:
                yield entry


def _plain(name: str, data: bytes, limits: ImportLimits) -> SourceEntry:
    if len(data) > limits.max_file_bytes:
        return SourceEntry(name, b"", _too_large(len(data), limits))
    return SourceEntry(name, data)


def _too_large(size: int, limits: ImportLimits) -> str:
    return f"file is too large ({size:,} bytes; the limit is {limits.max_file_bytes:,} bytes)"


def _expand_zip(name: str, data: bytes, limits: ImportLimits) -> list[SourceEntry]:
    def failed(error: str) -> list[SourceEntry]:
        # Keep the archive's bytes on its failed record when they are small enough to.
        kept = data if len(data) <= limits.max_file_bytes else b""
        return [SourceEntry(name, kept, error)]

    if (error := upload_size_error(name, len(data), limits)) is not None:
        return failed(error)
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir() and not _is_junk(m.filename)]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        return failed("not a valid zip archive")
    if not members:
        return failed("the zip archive contains no files")
    if limits.max_files is not None and len(members) > limits.max_files:
        return failed(
            f"the zip archive holds {len(members):,} files; one import takes at most "
            f"{limits.max_files:,}"
        )
    # Declared sizes bound what zipfile will ever produce, so checking them up front
    # stops a zip bomb before a single byte is inflated.
    total = sum(m.file_size for m in members)
    if total > limits.max_uncompressed_bytes:
        return failed(
            f"the zip archive would expand to {total:,} bytes; the limit is "
            f"{limits.max_uncompressed_bytes:,} bytes"
        )
    return [_read_member(archive, name, member, limits) for member in members]


def _read_member(
    archive: zipfile.ZipFile, zip_name: str, member: zipfile.ZipInfo, limits: ImportLimits
) -> SourceEntry:
    inner = member.filename
    entry_name = f"{zip_name}/{inner.lstrip('/')}"
    if _is_unsafe(inner):
        return SourceEntry(
            entry_name, b"", f"unsafe path in the zip archive ({inner!r}): absolute or with '..'"
        )
    if _is_symlink(member):
        # Its "content" is the link's target path: never read it as a file.
        return SourceEntry(entry_name, b"", "symbolic link in archive: links are not imported")
    if member.flag_bits & 0x1:
        return SourceEntry(entry_name, b"", "encrypted zip entries are not supported")
    ratio = member.file_size / max(member.compress_size, 1)
    if member.file_size > _RATIO_MIN_BYTES and ratio > limits.max_compression_ratio:
        return SourceEntry(
            entry_name,
            b"",
            f"compression ratio {ratio:,.0f}:1 is above the limit of "
            f"{limits.max_compression_ratio}:1 (a zip bomb?)",
        )
    if member.file_size > limits.max_file_bytes:
        return SourceEntry(entry_name, b"", _too_large(member.file_size, limits))
    try:
        data = archive.read(member)
    except NotImplementedError:
        return SourceEntry(entry_name, b"", "unsupported zip compression method")
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        return SourceEntry(entry_name, b"", f"damaged zip entry ({exc})")
    return SourceEntry(entry_name, data)


def _is_symlink(member: zipfile.ZipInfo) -> bool:
    """Unix zips keep the file mode in the high bits of external_attr (zip -y, Info-ZIP)."""
    return stat.S_ISLNK(member.external_attr >> 16)


def _is_junk(filename: str) -> bool:
    base = posixpath.basename(filename)
    return filename.startswith(_JUNK_DIRS) or base.startswith("._") or base in _JUNK_NAMES


def _is_unsafe(filename: str) -> bool:
    """Absolute paths, drive letters and '..' components (in either slash style)."""
    normalised = filename.replace("\\", "/")
    if normalised.startswith("/") or _DRIVE.match(normalised):
        return True
    return ".." in normalised.split("/")
