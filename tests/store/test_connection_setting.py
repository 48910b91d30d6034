"""The shared PostgreSQL URL this PC keeps (設定 → 共有データベース), and trying it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop.store.connection_setting import checked_url, save_target, saved_target, try_connection
from desktop.store.errors import DatabaseOpenError, ValidationFailed
from tests.pg_server import PostgresServer


def test_saved_url_round_trip_and_back_to_the_local_file(tmp_path: Path) -> None:
    path = tmp_path / "connection.json"
    assert saved_target(path) is None
    save_target(" postgresql://manabi:pw@db-server:5432/manabi ", path)
    assert saved_target(path) == "postgresql://manabi:pw@db-server:5432/manabi"
    if os.name != "nt":
        assert path.stat().st_mode & 0o077 == 0  # the password is for this user only
    save_target(None, path)
    assert saved_target(path) is None


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("manabi.sqlite", "postgresql://"),
        ("sqlite:///x.sqlite", "postgresql://"),
        ("mysql://u@h/db", "対応していない"),
        ("postgresql://u@/db", "サーバー名"),
        ("postgresql://u@host", "データベース名"),
    ],
)
def test_a_url_that_names_no_postgresql_database_is_refused(url: str, says: str, tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed, match=says):
        checked_url(url)
    with pytest.raises(ValidationFailed):
        save_target(url, tmp_path / "connection.json")
    assert not (tmp_path / "connection.json").exists()


def test_a_damaged_file_counts_as_none(tmp_path: Path) -> None:
    path = tmp_path / "connection.json"
    path.write_text("{not json", encoding="utf-8")
    assert saved_target(path) is None
    path.write_text('["postgresql://x@y/z"]', encoding="utf-8")
    assert saved_target(path) is None


@pytest.mark.postgres
def test_trying_the_real_server(pg_server: PostgresServer) -> None:
    version = try_connection(pg_server.url())
    assert version[:2].isdigit()


def test_a_server_that_is_not_there_is_named_without_the_password() -> None:
    with pytest.raises(DatabaseOpenError) as caught:
        try_connection("postgresql://manabi:secret-pw@127.0.0.1:9/manabi")
    assert "接続できませんでした" in caught.value.message and "secret-pw" not in caught.value.message
