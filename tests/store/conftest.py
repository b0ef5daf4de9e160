"""Store targets: a SQLite file always; a fresh PostgreSQL database when GONGKAI_TEST_PG_URL is set.

Without the URL, PostgreSQL tests are skipped with a reason for developers without a server,
but fail under CI (CI=true), whose `.ci/run` always starts a server and exports the URL.
"""

from __future__ import annotations

import os
import uuid

import pytest

PG_ENV = "GONGKAI_TEST_PG_URL"


def pg_server_url() -> str:
    url = os.environ.get(PG_ENV)
    if url:
        return url
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {PG_ENV} is not set: .ci/run must start PostgreSQL and export it")
    pytest.skip(f"PostgreSQL tests need {PG_ENV} (e.g. postgresql://postgres@127.0.0.1:5432/postgres)")


@pytest.fixture
def pg_url():
    """A URL to a brand-new PostgreSQL database, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = make_url(pg_server_url()).set(drivername="postgresql+psycopg")
    name = "gongkai_test_" + uuid.uuid4().hex[:12]
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_target(request, tmp_path):
    """Each store test runs against a SQLite file and against PostgreSQL."""
    if request.param == "sqlite":
        return str(tmp_path / "review.sqlite3")
    return request.getfixturevalue("pg_url")
