"""Which shared database this PC opens when no --db is given: a PostgreSQL URL kept per PC.

The URL belongs to the PC, not to the data (it says where the data is), so it
lives in a small file in the per-user data folder, written crash-safe and
readable by this Windows/Linux user only.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from desktop.resources import data_dir
from desktop.safe_write import replacing
from desktop.store.database import open_database, resolve_target
from desktop.store.errors import DatabaseOpenError, ValidationFailed

FILE_NAME = "connection.json"
CONNECT_TIMEOUT_S = 5


def connection_file() -> Path:
    return data_dir() / FILE_NAME


def saved_target(path: Path | None = None) -> str | None:
    """The saved PostgreSQL URL, or None (the PC's own SQLite file); a damaged file counts as none."""
    path = path or connection_file()
    try:
        value = json.loads(path.read_text(encoding="utf-8")).get("postgresql_url")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and value.strip() else None


def checked_url(url: str) -> str:
    """The URL as typed, when it names a PostgreSQL database; ValidationFailed (Japanese) otherwise."""
    cleaned = url.strip()
    try:
        resolved = resolve_target(cleaned)
    except DatabaseOpenError as exc:
        raise ValidationFailed([("url", exc.message)]) from exc
    if "://" not in cleaned or resolved.get_backend_name() != "postgresql":
        raise ValidationFailed(
            [
                (
                    "url",
                    "postgresql://ユーザー名:パスワード@サーバー名:5432/データベース名 の形で入力してください。",
                )
            ]
        )
    if not resolved.database or not resolved.host:
        raise ValidationFailed([("url", "サーバー名とデータベース名を入れてください。")])
    return cleaned


def save_target(url: str | None, path: Path | None = None) -> None:
    """Keep `url` (checked) for the next start; None goes back to this PC's SQLite file."""
    path = path or connection_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    content = {"postgresql_url": checked_url(url) if url else None}
    with replacing(path) as handle:
        handle.write(json.dumps(content, ensure_ascii=False, indent=1).encode("utf-8"))
    if os.name != "nt":
        path.chmod(0o600)  # the URL may hold the database password


def try_connection(url: str) -> str:
    """Connect once and answer the server's version; DatabaseOpenError (Japanese) when it cannot."""
    target = checked_url(url)
    separator = "&" if "?" in target else "?"
    db = open_database(f"{target}{separator}connect_timeout={CONNECT_TIMEOUT_S}")
    try:
        with db.engine.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar())
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else ""
        raise DatabaseOpenError(f"接続できませんでした: {db.display_name}\n{reason}") from exc
    finally:
        db.dispose()
