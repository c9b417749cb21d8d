"""A throwaway database for the benchmarks, on the server the app itself uses.

The embedded cluster when DATABASE_URL is unset, else the server DATABASE_URL names; the
developer's own database is never touched.
"""

from __future__ import annotations

import os
import socket
from urllib.parse import quote


def server_url(dbname: str) -> str:
    """A DATABASE_URL for `dbname` on the app's database server."""
    if os.getenv("DATABASE_URL"):
        return f"{os.environ['DATABASE_URL'].rsplit('/', 1)[0]}/{dbname}"
    from newsreader import embedded_db

    conn = embedded_db.connection_settings()
    host = quote(conn["HOST"], safe="")
    return f"postgres://{conn['USER']}@{host}:{conn['PORT']}/{dbname}"


def admin_connection():
    """An autocommit connection to the server's `postgres` database (to create and drop)."""
    import psycopg

    if os.getenv("DATABASE_URL"):
        import dj_database_url

        cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
        return psycopg.connect(
            dbname="postgres",
            user=cfg["USER"],
            password=cfg["PASSWORD"],
            host=cfg["HOST"],
            port=cfg["PORT"] or 5432,
            autocommit=True,
        )
    from newsreader import embedded_db

    conn = embedded_db.connection_settings()
    return psycopg.connect(
        dbname="postgres", user=conn["USER"], host=conn["HOST"], port=conn["PORT"], autocommit=True
    )


def database_exists(name: str) -> bool:
    with admin_connection() as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def create_database(name: str) -> None:
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
