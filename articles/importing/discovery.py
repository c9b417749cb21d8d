"""Which files a list of paths names, read lazily, with why some cannot be read (pure).

Folders expand recursively, hidden files and folders skipped; what cannot be read (a broken
link, a pipe or device, a file or folder we may not open) is kept with its reason, so the
import reports and counts it as failed rather than skipping it. A symbolic link inside a
folder that leads outside every path given is never followed: it is kept with a `Skipped`
reason, reported and counted as skipped. Nothing here opens a file before it is read, and a
pipe is never opened (it would block the import forever).
"""

from __future__ import annotations

import errno
import os
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path

from articles.importing.parsers.archives import (
    ImportLimits,
    SourceEntry,
    is_zip_name,
    upload_size_error,
)


class Skipped(str):
    """A Source's reason that means "not imported, and not a failure": reported as skipped."""

    __slots__ = ()


# A path to import, and why it cannot be read (None when it is a readable regular file;
# a Skipped reason when it must not be read at all).
Source = tuple[Path, str | None]

_FILE_TYPES = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def collect(paths: list[str]) -> list[Source]:
    """Files in argument order; folders expand to their files, sorted, hidden ones skipped.

    What cannot be read (a broken link, a pipe, a folder or file we may not open) stays in
    the list with its reason, so it is reported and counted as failed rather than skipped.
    Raises FileNotFoundError for an argument that names nothing at all.
    """
    files: list[Source] = []
    # Links inside folders may lead anywhere within these, and nowhere else.
    given = [os.path.realpath(argument) for argument in paths]
    for argument in paths:
        path = Path(argument)
        if os.path.isdir(path):
            files.extend(_folder(path, given))
        elif os.path.lexists(path):
            files.append((path, _unreadable(path)))
        else:
            # A missing parent folder we may not search looks missing too: say which.
            problem = _unreadable(path)
            if problem is None or problem == "no such file":
                raise FileNotFoundError(f"no such file or folder: {argument}")
            files.append((path, problem))
    return files


def entry_count(source: Source) -> int:
    """How many files `source` holds: its members for a readable .zip, else one."""
    path, problem = source
    if problem is not None or not is_zip_name(path.name):
        return 1
    try:
        with zipfile.ZipFile(path) as archive:
            return max(1, sum(not m.is_dir() for m in archive.infolist()))
    except (OSError, zipfile.BadZipFile, ValueError):
        return 1


def read(sources: list[Source], limits: ImportLimits) -> Iterator[tuple[str, bytes] | SourceEntry]:
    """Read lazily, one file at a time; never read a file past the size limit."""
    for path, problem in sources:
        name = str(path)
        if problem is not None:
            yield SourceEntry(name, b"", problem, skipped=isinstance(problem, Skipped))
            continue
        try:
            error = upload_size_error(name, path.stat().st_size, limits)
            yield SourceEntry(name, b"", error) if error else (name, path.read_bytes())
        except OSError as exc:
            yield SourceEntry(name, b"", _reason(exc))


def _folder(folder: Path, given: list[str]) -> list[Source]:
    found: list[Source] = []

    def unlistable(error: OSError) -> None:
        found.append((Path(error.filename or folder), _reason(error)))

    # os.walk rather than rglob: rglob skips folders it may not list without a word. It
    # does not descend into linked folders; those leading inside the paths given are
    # imported where they really are, the others are reported as skipped.
    for root, dirs, names in os.walk(folder, onerror=unlistable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in dirs:
            path = Path(root, name)
            if path.is_symlink() and (outside := _outside(path, given)):
                found.append((path, outside))
        for name in names:
            if not name.startswith("."):
                path = Path(root, name)
                problem = _unreadable(path)
                if problem is None and path.is_symlink():
                    problem = _outside(path, given)
                found.append((path, problem))
    return sorted(found, key=lambda source: source[0])


def _outside(link: Path, given: list[str]) -> Skipped | None:
    """A Skipped reason when `link` leads outside every path given, else None."""
    target = os.path.realpath(link)
    for allowed in given:
        if target == allowed or target.startswith(allowed.rstrip(os.sep) + os.sep):
            return None
    return Skipped(f"symbolic link to {target}, outside the paths given: not followed")


def _unreadable(path: Path) -> str | None:
    """Why `path` cannot be imported as a file, found without opening it (a pipe would
    block the import forever), or None."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "broken symbolic link" if path.is_symlink() else "no such file"
    except OSError as exc:
        return _reason(exc)
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder (it could not be listed)"
    return f"not a regular file ({_FILE_TYPES.get(stat.S_IFMT(mode), 'special file')})"


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    return f"cannot read the file ({exc.strerror or exc})"
