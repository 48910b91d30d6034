"""Backups of a SQLite database: one a day on close, rotated; by hand; and restore.

Rotation rule (``plan_rotation``, a pure function of the file names and today):

* A daily backup is ``<stem>-YYYY-MM-DD.sqlite`` (the database file's stem,
  ``manabi`` for the default one). Each close of the window writes today's;
  a later close the same day replaces it (the latest of the day wins).
* Daily: today's backup and the newest other daily backups, 7 in all, are
  kept. "Newest" by the date in the name, not the calendar: a clerk away for a
  fortnight still comes back to 7 daily backups.
* Weekly: a daily backup that drops out of the 7 becomes the weekly backup of
  its ISO week, renamed ``<stem>-GGGG-Www.sqlite`` (ISO year and week), if it
  is the newest daily backup of that week, no daily backup of that week is
  still kept and the week has no weekly backup yet; otherwise it is deleted.
  The 4 newest weekly backups are kept, older ones deleted.
* Any other file in the folder (pre-restore backups, other databases' backups,
  a user's own files, leftover ``.part`` files) is never touched.

So the folder holds at most 7 + 4 rotated backups per database. PostgreSQL
databases are not backed up here: that is the server's job (pg_dump).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from desktop.resources import data_dir
from desktop.store.database import Database, open_database
from desktop.store.errors import UserFacingError
from desktop.store.migrate import HEAD_REVISION, VERSION_TABLE, copy_sqlite_online, prepare_database

BACKUP_FOLDER = "backups"
DAILY_KEEP = 7
WEEKLY_KEEP = 4
SUFFIX = ".sqlite"
SQLITE_HEADER = b"SQLite format 3\x00"
SIDE_FILES = ("-wal", "-shm", "-journal")


class BackupError(UserFacingError):
    """A backup or restore refused or failed; the message names the file."""


def backups_dir() -> Path:
    return data_dir() / BACKUP_FOLDER


def daily_name(stem: str, day: date) -> str:
    return f"{stem}-{day.isoformat()}{SUFFIX}"


def weekly_name(stem: str, week: tuple[int, int]) -> str:
    return f"{stem}-{week[0]:04d}-W{week[1]:02d}{SUFFIX}"


def _iso_week(day: date) -> tuple[int, int]:
    year, week, _ = day.isocalendar()
    return year, week


@dataclass(frozen=True)
class RotationPlan:
    keep: tuple[str, ...]  # the rotated backups left afterwards (after the renames)
    delete: tuple[str, ...]
    promote: tuple[tuple[str, str], ...]  # daily name -> weekly name, a rename


def plan_rotation(names: Iterable[str], today: date, stem: str = "manabi") -> RotationPlan:
    """Which of `names` (files in the backups folder) to keep, delete, or rename to weekly."""
    daily_re = re.compile(rf"{re.escape(stem)}-(\d{{4}}-\d{{2}}-\d{{2}}){re.escape(SUFFIX)}")
    weekly_re = re.compile(rf"{re.escape(stem)}-(\d{{4}})-W(\d{{2}}){re.escape(SUFFIX)}")
    dailies: dict[date, str] = {}
    weeklies: dict[tuple[int, int], str] = {}
    for name in names:
        if match := daily_re.fullmatch(name):
            with contextlib.suppress(ValueError):  # 2026-13-40 is not a date: not ours
                dailies[date.fromisoformat(match[1])] = name
        elif match := weekly_re.fullmatch(name):
            week = (int(match[1]), int(match[2]))
            with contextlib.suppress(ValueError):
                date.fromisocalendar(week[0], week[1], 1)
                weeklies[week] = name
    others = sorted((day for day in dailies if day != today), reverse=True)
    kept_days = (([today] if today in dailies else []) + others)[:DAILY_KEEP]
    daily_weeks = {_iso_week(day) for day in kept_days}
    delete: list[str] = []
    candidates: dict[tuple[int, int], str] = {}  # week -> the daily backup that would become its weekly
    for day in sorted(set(dailies) - set(kept_days), reverse=True):
        week = _iso_week(day)
        if week in daily_weeks or week in weeklies or week in candidates:
            delete.append(dailies[day])
        else:
            candidates[week] = dailies[day]
    keep = [dailies[day] for day in kept_days]
    promote: list[tuple[str, str]] = []
    for position, week in enumerate(sorted(set(weeklies) | set(candidates), reverse=True)):
        if week in weeklies:
            (keep if position < WEEKLY_KEEP else delete).append(weeklies[week])
        elif position < WEEKLY_KEEP:
            promote.append((candidates[week], weekly_name(stem, week)))
            keep.append(weekly_name(stem, week))
        else:
            delete.append(candidates[week])
    return RotationPlan(tuple(sorted(keep)), tuple(sorted(delete)), tuple(sorted(promote)))


def apply_rotation(folder: Path, plan: RotationPlan) -> None:
    """Carry out a plan; a file that cannot be renamed or deleted now is retried on the next close."""
    for source, target in plan.promote:
        with contextlib.suppress(OSError):
            os.replace(folder / source, folder / target)
    for name in plan.delete:
        with contextlib.suppress(OSError):
            (folder / name).unlink(missing_ok=True)


def _finish_copy(copy: sqlite3.Connection) -> None:
    """A self-contained copy (no WAL side files when opened later), checked before it is kept."""
    copy.execute("PRAGMA journal_mode=DELETE")
    result = copy.execute("PRAGMA quick_check").fetchall()
    if result != [("ok",)]:
        raise BackupError(f"バックアップの検査で問題が見つかりました: {result[0][0]}")


def backup_on_close(db: Database, *, today: date | None = None, folder: Path | None = None) -> Path | None:
    """Today's backup of the window's SQLite file, then the rotation; None if there is nothing to do.

    Not for PostgreSQL (the server's backups apply), a database opened
    read-only (its writer backs it up) or one that does not exist as a file.
    Errors pass through for the caller to log.
    """
    path = db.sqlite_path
    if path is None or db.read_only or not path.is_file():
        return None
    day = today or date.today()
    folder = folder or backups_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / daily_name(path.stem, day)
    copy_sqlite_online(path, target, check=_finish_copy)
    apply_rotation(folder, plan_rotation((p.name for p in folder.iterdir()), day, path.stem))
    return target


def _check_header(path: Path, role: str) -> None:
    if not path.is_file():
        raise BackupError(f"{role}がありません: {path}")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise BackupError(f"{role}を読めません: {path}（{exc.strerror}）") from exc
    if header != SQLITE_HEADER:
        raise BackupError(f"{role}は SQLite のデータベースファイルではありません: {path}")


def _inspect(connection: sqlite3.Connection, shown: Path) -> str:
    """The revision of an intact database of ours; BackupError naming `shown` if it is not one."""
    try:
        result = connection.execute("PRAGMA integrity_check").fetchall()
        if result != [("ok",)]:
            raise BackupError(f"ファイルが壊れています（integrity_check: {result[0][0]}）: {shown}")
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        row = None
        if VERSION_TABLE in tables:
            row = connection.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(
            f"ファイルが壊れているか、SQLite のデータベースではありません（{exc}）: {shown}"
        ) from exc
    if row is None or not row[0]:
        raise BackupError(f"まなび台帳のデータベースではありません（管理表がありません）: {shown}")
    return str(row[0])


def _refuse_newer(revision: str, shown: Path) -> None:
    from alembic.util.exc import CommandError

    from desktop.store.migrate import script_directory

    if revision == HEAD_REVISION:
        return
    try:
        script_directory().get_revision(revision)
    except CommandError:
        raise BackupError(
            f"より新しいバージョンのまなび台帳で作られたデータベースです（版 {revision}）: {shown}\n"
            "新しいバージョンのまなび台帳を使ってください。"
        ) from None


def _checked_copy(source: Path, target: Path, shown: Path) -> str:
    """copy_sqlite_online, kept only if the copy is intact and ours; returns its revision."""
    revisions: list[str] = []

    def check(copy: sqlite3.Connection) -> None:
        revisions.append(_inspect(copy, shown))
        copy.execute("PRAGMA journal_mode=DELETE").fetchall()  # self-contained: no WAL side files later

    try:
        copy_sqlite_online(source, target, check=check)
    except sqlite3.DatabaseError as exc:
        raise BackupError(
            f"ファイルが壊れているか、SQLite のデータベースではありません（{exc}）: {shown}"
        ) from exc
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"コピーできませんでした（{exc}）: {shown} → {target}") from exc
    return revisions[0]


def backup_to(database: Path, out: Path) -> str:
    """A checked copy of `database` (ours, intact) at `out`, returning its revision; on failure `out` is left as it was."""
    _check_header(database, "データベース")
    if out.resolve() == database.resolve() or out.name.endswith(SIDE_FILES):
        raise BackupError(f"--out: データベースそのものには書き出せません: {out}")
    return _checked_copy(database, out, database)


@dataclass(frozen=True)
class RestoreSummary:
    revision: str  # the backup's version as it was
    migrated_to: str | None  # set if the restore brought it up to this release
    previous: Path | None  # where the replaced database was kept


def _keep_previous(database: Path, folder: Path, now: datetime) -> Path:
    """The database being replaced, copied aside (as raw bytes if SQLite cannot read it)."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp, counter = now.strftime("%Y%m%d-%H%M%S"), 1
    target = folder / f"{database.stem}-before-restore-{stamp}{SUFFIX}"
    while target.exists():
        counter += 1
        target = folder / f"{database.stem}-before-restore-{stamp}-{counter}{SUFFIX}"
    try:
        copy_sqlite_online(database, target, check=_finish_copy)
    except (sqlite3.DatabaseError, BackupError):
        # Damaged (the reason to restore, often): keep the bytes as they are, WAL included.
        for side in ("", "-wal"):
            if database.with_name(database.name + side).is_file():
                part = target.with_name(target.name + side + ".part")
                shutil.copyfile(database.with_name(database.name + side), part)
                os.replace(part, target.with_name(target.name + side))
    return target


def _quiesce(database: Path) -> None:
    """Fold the old database's WAL (or hot journal) into it and remove its side files.

    They name the database by path: left beside the restored file, SQLite would
    apply the old WAL's pages to it. Refused if another program has it open.
    """
    busy = f"データベースがほかのプログラムで使用中のため戻せません（何も変更していません）: {database}"
    try:
        with contextlib.closing(sqlite3.connect(database, timeout=2)) as connection:
            mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise BackupError(busy) from exc
        mode = None  # damaged: its bytes were kept by _keep_previous
    except sqlite3.DatabaseError:
        mode = None
    if mode is not None and str(mode[0]).lower() != "delete":
        raise BackupError(busy)
    for side in SIDE_FILES:
        database.with_name(database.name + side).unlink(missing_ok=True)


def restore_from(database: Path, source: Path, *, folder: Path | None = None) -> RestoreSummary:
    """Replace `database` with the backup `source`, checked and migrated first; the old one is kept."""
    from desktop.store.instance_lock import AlreadyOpenError, acquire_instance_lock

    _check_header(source, "バックアップファイル")
    if source.resolve() == database.resolve():
        raise BackupError(f"戻す元と戻し先が同じファイルです: {source}")
    exists = database.is_file() and database.stat().st_size > 0
    if exists:
        _check_header(database, "戻し先のデータベース")
    database.parent.mkdir(parents=True, exist_ok=True)
    try:
        lock = acquire_instance_lock(database)
    except AlreadyOpenError as exc:
        who = f"（{exc.holder.describe()}）" if exc.holder else ""
        raise BackupError(
            f"データベースがまなび台帳で開かれているため戻せません{who}: {database}\n"
            "まなび台帳を閉じてから、もう一度実行してください。"
        ) from exc
    staging = database.with_name(database.name + ".restore.part")
    try:
        revision = _private_copy(source, staging)
        _refuse_newer(revision, source)
        migrated_to = _migrate(staging, source) if revision != HEAD_REVISION else None
        previous = None
        if exists:
            try:
                previous = _keep_previous(database, folder or backups_dir(), datetime.now())
            except OSError as exc:
                raise BackupError(
                    f"今のデータベースを残せなかったため、戻すのを中止しました（何も変更していません）: "
                    f"{database}\n理由: {exc}"
                ) from exc
            _quiesce(database)
        try:
            os.replace(staging, database)  # atomic: the old file or the new one, never half of either
        except OSError as exc:
            raise BackupError(f"データベースを置き換えられませんでした（{exc}）: {database}") from exc
    finally:
        for leftover in database.parent.iterdir():  # the staging copy, its side files, its pre-migration copy
            if leftover.name.startswith((staging.name, f"{staging.stem}.before-")):
                leftover.unlink(missing_ok=True)
        if lock is not None:
            lock.release()
    return RestoreSummary(revision, migrated_to, previous)


def _private_copy(source: Path, staging: Path) -> str:
    """Check and copy `source` to `staging` through a private copy of its bytes (and its WAL, if any).

    SQLite never opens the user's file itself: even read-only, it would leave
    -wal and -shm files beside it, and read-write it could write to it.
    """
    with tempfile.TemporaryDirectory(prefix="manabi-restore-") as folder:
        private = Path(folder) / "source.sqlite"
        try:
            for side in ("", "-wal"):
                if source.with_name(source.name + side).is_file():
                    shutil.copyfile(
                        source.with_name(source.name + side), private.with_name(private.name + side)
                    )
        except OSError as exc:
            raise BackupError(f"バックアップファイルを読めません（{exc.strerror}）: {source}") from exc
        return _checked_copy(private, staging, source)


def _migrate(staging: Path, source: Path) -> str:
    db = open_database(staging)
    try:
        report = prepare_database(db)
    except UserFacingError as exc:
        raise BackupError(f"バックアップを今の版に更新できませんでした: {source}\n{exc.message}") from exc
    finally:
        db.dispose()
    if report.backup is not None:
        report.backup.unlink(missing_ok=True)  # a copy of the staging copy: `source` itself is untouched
    with contextlib.closing(sqlite3.connect(staging)) as connection:
        connection.execute("PRAGMA journal_mode=DELETE").fetchall()  # self-contained before it moves
    return report.to_revision
