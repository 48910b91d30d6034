"""Headless backup and restore of the SQLite database: ``backup --out FILE`` and ``restore FILE``.

Neither opens the database through prepare_database first: a backup must not
migrate what it copies, and a restore is often wanted precisely because the
current file no longer opens. PostgreSQL is refused with a pointer to pg_dump.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.store.audit_log import Fact
from desktop.store.errors import UserFacingError

if TYPE_CHECKING:
    from desktop.domain.accounts import Actor

EXIT_OK = 0


class BackupArgumentError(UserFacingError):
    pass


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = commands.add_parser("backup", help="SQLite のデータベースをファイルにバックアップする")
    backup.add_argument("--out", type=Path, required=True, help="書き出し先（例: manabi-2026-12-03.sqlite）")
    restore = commands.add_parser(
        "restore",
        help="バックアップファイルからデータベースを戻す（今のデータベースは backups フォルダに残す）",
    )
    restore.add_argument("file", type=Path, metavar="FILE", help="戻すバックアップファイル（.sqlite）")


def _database_path(target: str | None) -> Path:
    from desktop.store.database import resolve_target

    url = resolve_target(target)
    if url.get_backend_name() != "sqlite":
        raise BackupArgumentError(
            "PostgreSQL の共有データベースは、このコマンドではバックアップ・復元できません（何もしていません）。"
            "サーバー側で pg_dump / pg_restore を使ってください。"
        )
    if not url.database or url.database == ":memory:":
        raise BackupArgumentError("メモリ上のデータベースはバックアップ・復元できません。")
    return Path(url.database)


def _checked_out(out: Path) -> Path:
    if out.is_dir():
        raise BackupArgumentError(f"--out: {out} はフォルダです。ファイル名を指定してください。")
    if not out.parent.is_dir():
        raise BackupArgumentError(f"--out: フォルダ {out.parent} がありません。")
    return out


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"


def _who(args: argparse.Namespace, database: Path) -> Actor:
    """Who runs the command: in a database that signs people in, a 管理者 who signed in with --user."""
    from desktop.cli import sign_in_for_command
    from desktop.store.database import open_database, os_actor
    from desktop.store.errors import PermissionDeniedError
    from desktop.store.migrate import HEAD_REVISION, current_revision

    if not database.is_file() or database.stat().st_size == 0:
        return os_actor()
    db = open_database(database)
    try:
        if current_revision(db)[0] != HEAD_REVISION:
            return os_actor()  # made before sign-in existed (or newer: the restore refuses it)
        sign_in_for_command(args, db)
        if not db.actor.role.can_administer:
            raise PermissionDeniedError("バックアップと復元は管理者だけができます（何もしていません）。")
        return db.actor
    finally:
        db.dispose()


def _record(database: Path, actor: Actor, fact: Fact) -> None:
    from desktop.store.audit_log import record
    from desktop.store.database import open_database

    db = open_database(database)
    db.actor = actor
    try:
        record(db, fact)
    finally:
        db.dispose()


def run(args: argparse.Namespace) -> int:
    from desktop.domain.audit import AuditAction
    from desktop.store.backup import backup_to, backups_dir, restore_from

    database = _database_path(args.db)
    actor = _who(args, database)
    if args.command == "backup":
        out = _checked_out(args.out)
        revision = backup_to(database, out)
        _record(
            database,
            actor,
            Fact(AuditAction.EXPORT, "file", None, "データベースのバックアップ", detail=str(out)),
        )
        print(f"{out.name}: {database} をバックアップしました（{_size(out)}、版 {revision}）。")
        return EXIT_OK
    summary = restore_from(database, args.file, folder=backups_dir())
    detail = f"{args.file} から戻した（版 {summary.revision}）"
    _record(database, actor, Fact(AuditAction.RESTORE, "file", None, args.file.name, detail=detail))
    migrated = f"、版 {summary.revision} から {summary.migrated_to} に更新" if summary.migrated_to else ""
    kept = f"。元のデータベースは {summary.previous} に残しました" if summary.previous else ""
    print(f"{args.file.name}: {database} に戻しました（版 {summary.revision}{migrated}）{kept}。")
    return EXIT_OK
