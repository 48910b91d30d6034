import socket

import pytest
from sqlalchemy import create_engine, text

from tests.pg_server import PostgresServer, PostgresUnavailable


def _accepts_connections(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.postgres
def test_throwaway_server_lifecycle() -> None:
    try:
        server = PostgresServer()
    except PostgresUnavailable as exc:
        pytest.skip(str(exc))
    server.start()
    try:
        port, tmp_dir = server.port, server.tmp_dir
        assert tmp_dir is not None and tmp_dir.is_dir()
        url = server.create_database("lifecycle")
        assert url == f"postgresql+psycopg://manabi@127.0.0.1:{port}/lifecycle"
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                assert conn.execute(text("select 1")).scalar_one() == 1
                assert conn.execute(text("show server_encoding")).scalar_one() == "UTF8"
        finally:
            engine.dispose()  # CREATE DATABASE ... TEMPLATE fails while the template has sessions
        copy_url = server.create_database("lifecycle_copy", template="lifecycle")
        copy = create_engine(copy_url)
        try:
            with copy.connect() as conn:
                assert conn.execute(text("select current_database()")).scalar_one() == "lifecycle_copy"
        finally:
            copy.dispose()
        server.drop_database("lifecycle_copy")
    finally:
        server.stop()
    server.stop()  # idempotent
    assert not _accepts_connections(port)
    assert not tmp_dir.exists()
