"""The embedded PostgreSQL cluster used when DATABASE_URL is unset.

Stdlib only: the Makefile runs it before the virtualenv exists, and settings.py
imports `connection_settings()` so both always agree on where the cluster lives.

    python -m newsreader.embedded_db start|stop|status|url
"""

from __future__ import annotations

import glob
import hashlib
import os
import pwd
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DB_NAME = "newsreader"
DB_USER = "newsreader"
# The kernel limits unix socket paths to 107 bytes; deeper checkouts fall back to TCP.
SOCKET_PATH_LIMIT = 107

HOW_TO_GET_POSTGRES = """\
No PostgreSQL server binaries (initdb, pg_ctl) were found.
Newsreader needs PostgreSQL 13 or newer. Either:
  * install them:        sudo apt-get install postgresql   (Debian/Ubuntu)
                         sudo dnf install postgresql-server (Fedora)
  * or point at a server: export DATABASE_URL=postgres://user:pass@host:5432/newsreader
  * or run everything with docker compose: docker compose up
"""


def _checkout_key() -> str:
    return hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:10]


def _running_as_root() -> bool:
    return os.geteuid() == 0


def _postgres_can_traverse(path: Path) -> bool:
    """Whether the `postgres` user can reach `path` (every parent needs o+x)."""
    for parent in [path, *path.parents]:
        try:
            mode = parent.stat().st_mode
        except FileNotFoundError:
            continue
        if not mode & stat.S_IXOTH:
            return False
    return True


def cluster_dir() -> Path:
    """Inside the checkout (git-ignored) unless, as root, `postgres` can't reach it."""
    inside = BASE_DIR / ".pg"
    if _running_as_root() and not _postgres_can_traverse(BASE_DIR):
        return Path("/var/tmp") / f"newsreader-pg-{_checkout_key()}"
    return inside


def _port() -> int:
    # One port per checkout so two clones on one machine never collide over TCP.
    return 20000 + int(_checkout_key(), 16) % 20000


def connection_settings() -> dict[str, str]:
    """HOST/PORT for Django: a socket inside the cluster dir, or TCP on loopback."""
    socket_dir = cluster_dir() / "run"
    if len(str(socket_dir / ".s.PGSQL.5432")) <= SOCKET_PATH_LIMIT:
        return {"HOST": str(socket_dir), "PORT": "5432", "NAME": DB_NAME, "USER": DB_USER}
    return {"HOST": "127.0.0.1", "PORT": str(_port()), "NAME": DB_NAME, "USER": DB_USER}


def _bindir() -> Path | None:
    candidates: list[str] = []
    if pg_config := shutil.which("pg_config"):
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
            candidates.append(out.stdout.strip())
        except OSError:
            pass
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    candidates += [os.path.dirname(p) for p in filter(None, [shutil.which("initdb")])]
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    return None


def _as_owner(cmd: list[str]) -> list[str]:
    if _running_as_root():
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(_as_owner(cmd), check=True, **kwargs)


def _data_dir() -> Path:
    return cluster_dir() / "data"


def _is_running(bindir: Path) -> bool:
    if not (_data_dir() / "PG_VERSION").exists():
        return False
    result = subprocess.run(
        _as_owner([str(bindir / "pg_ctl"), "-D", str(_data_dir()), "status"]),
        capture_output=True,
    )
    return result.returncode == 0


def _prepare_dirs() -> None:
    root = cluster_dir()
    (root / "run").mkdir(parents=True, exist_ok=True)
    if _running_as_root():
        pg = pwd.getpwnam("postgres")
        for path in [root, root / "run"]:
            os.chown(path, pg.pw_uid, pg.pw_gid)
        root.chmod(0o700)


def start() -> None:
    bindir = _bindir()
    if bindir is None:
        sys.stderr.write(HOW_TO_GET_POSTGRES)
        raise SystemExit(1)
    _prepare_dirs()
    data = _data_dir()
    conn = connection_settings()
    if not (data / "PG_VERSION").exists():
        print(f"Creating the embedded PostgreSQL cluster in {data}")
        _run(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                DB_USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            stdout=subprocess.DEVNULL,
        )
    if not _is_running(bindir):
        tcp = conn["HOST"] == "127.0.0.1"
        options = (
            f"-c listen_addresses={'127.0.0.1' if tcp else chr(39) * 2} "
            f"-c port={conn['PORT']} -c unix_socket_directories={cluster_dir() / 'run'} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=100 -c shared_buffers=256MB"
        )
        _run(
            [
                str(bindir / "pg_ctl"),
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
    _ensure_database(bindir, conn)
    where = conn["HOST"] if conn["HOST"] != "127.0.0.1" else f"127.0.0.1:{conn['PORT']}"
    print(f"Embedded PostgreSQL is running ({where})")


def _ensure_database(bindir: Path, conn: dict[str, str]) -> None:
    psql = [str(bindir / "psql"), "-h", conn["HOST"], "-p", conn["PORT"], "-U", DB_USER]
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
        raise SystemExit("The embedded PostgreSQL did not accept connections.")
    if probe.stdout.strip() != "1":
        subprocess.run([*psql, "-d", "postgres", "-qc", f'CREATE DATABASE "{DB_NAME}"'], check=True)


def stop() -> None:
    bindir = _bindir()
    if bindir is None or not _is_running(bindir):
        print("Embedded PostgreSQL is not running")
        return
    _run(
        [str(bindir / "pg_ctl"), "-D", str(_data_dir()), "-m", "fast", "-w", "stop"],
        stdout=subprocess.DEVNULL,
    )
    print("Embedded PostgreSQL stopped")


def status() -> int:
    bindir = _bindir()
    running = bindir is not None and _is_running(bindir)
    print(f"{'running' if running else 'stopped'}: {_data_dir()}")
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
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
