"""The 監査ログ at a few years of use: our reads beside the bare-library floor, same run.

    .venv/bin/python bench/audit_scale.py [--entries 1000000] [--keep DIR]

Builds a SQLite database (migrated by the app) whose audit log holds --entries
rows: 20 users, changes to 50,000 learners, sign-ins, prints and exports,
spread over three years. Then times, each the median of five runs:
  - the viewer's first screen: the newest 5,000 entries and the count of all,
    for the default filter (this month), one user, and a text search;
  - the same SELECTs written by hand with sqlite3 (the floor);
  - writing the whole log out as .xlsx (ours; the floor is openpyxl write-only
    with the same rows read by sqlite3).
Target: the viewer's screen within 2× the floor and under 1 s; the export within 1.5×.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desktop.domain.accounts import Actor, Role  # noqa: E402
from desktop.store.audit_views import HEADERS, AuditFilter, audit_rows, export_audit  # noqa: E402
from desktop.store.database import open_database  # noqa: E402
from desktop.store.migrate import prepare_database  # noqa: E402

SHOWN = 5000
ACTIONS = ["update"] * 14 + ["create"] * 2 + ["sign_in"] * 2 + ["print", "export"]
FIELDS = ["job_title", "email", "department_id", "status", "notes", "furigana"]


def median_of(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def build(path: Path, entries: int) -> None:
    db = open_database(path)
    prepare_database(db)
    db.dispose()
    rng = random.Random(2026)
    start = datetime(2024, 4, 1)
    span = (datetime(2027, 3, 1) - start).total_seconds()
    users = [(f"user{n:02d}", f"職員{n:02d}", "staff" if n else "admin") for n in range(20)]
    connection = sqlite3.connect(path)
    connection.execute("BEGIN")
    rows = []
    for n in range(entries):
        login, name, role = rng.choice(users)
        action = rng.choice(ACTIONS)
        learner = rng.randrange(1, 50_001)
        at = start + timedelta(seconds=span * n / entries)
        if action == "update":
            field = rng.choice(FIELDS)
            rows.append(
                (
                    at.isoformat(" "),
                    login,
                    name,
                    role,
                    action,
                    "learners",
                    learner,
                    f"M{learner:06d} 山田　太郎",
                    field,
                    "主事",
                    "主任",
                    "",
                )
            )
        elif action in ("print", "export"):
            rows.append(
                (
                    at.isoformat(" "),
                    login,
                    name,
                    role,
                    action,
                    "file",
                    None,
                    "学習計画書",
                    None,
                    None,
                    None,
                    f"{rng.randrange(1, 300)}人分　C:\\Users\\{login}\\Documents\\計画.pdf",
                )
            )
        else:
            rows.append(
                (
                    at.isoformat(" "),
                    login,
                    name,
                    role,
                    action,
                    "learners",
                    learner,
                    f"M{learner:06d} 山田　太郎",
                    None,
                    None,
                    None,
                    "",
                )
            )
        if len(rows) >= 50_000:
            connection.executemany(INSERT, rows)
            rows.clear()
    connection.executemany(INSERT, rows)
    connection.execute("COMMIT")
    connection.close()


INSERT = (
    "INSERT INTO audit_log (at, actor_login, actor_name, actor_role, action, entity, entity_id, entity_label,"
    " field, old_value, new_value, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
FLOOR_SELECT = (
    "SELECT id, at, actor_login, actor_name, actor_role, action, entity, entity_id, entity_label, field,"
    " old_value, new_value, detail FROM audit_log WHERE {where} ORDER BY at DESC, id DESC LIMIT ?"
)


def floor_screen(path: Path, where: str, params: tuple[object, ...]) -> Callable[[], object]:
    def run() -> object:
        connection = sqlite3.connect(path)
        count = connection.execute(f"SELECT count(*) FROM audit_log WHERE {where}", params).fetchone()
        rows = connection.execute(FLOOR_SELECT.format(where=where), (*params, SHOWN)).fetchall()
        connection.close()
        return count, rows

    return run


def floor_export(path: Path, out: Path) -> Callable[[], object]:
    def run() -> object:
        from openpyxl import Workbook

        connection = sqlite3.connect(path)
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("監査ログ")
        sheet.append(list(HEADERS))
        query = FLOOR_SELECT.format(where="1=1").replace(" LIMIT ?", "")
        for row in connection.execute(query):
            sheet.append(list(row[1:]))
        workbook.save(out)
        connection.close()
        return None

    return run


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="manabi-audit-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "audit.sqlite"
    if not path.exists():
        began = time.perf_counter()
        build(path, args.entries)
        print(f"built {args.entries:,} entries in {time.perf_counter() - began:.1f} s at {path}")
    db = open_database(path)
    db.actor = Actor("kanri", "管理", Role.ADMIN, 1)
    month = date(2027, 2, 1)
    month_start = datetime(2027, 2, 1).astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    cases = [
        (
            "this month (the default)",
            AuditFilter(since=month, until=date(2027, 2, 28)),
            "at >= ?",
            (month_start,),
        ),
        ("one user, all time", AuditFilter(actor_login="user07"), "actor_login = ?", ("user07",)),
        (
            "text search 「計画.pdf」",
            AuditFilter(text="計画.pdf"),
            "(entity_label LIKE ? OR old_value LIKE ? OR new_value LIKE ? OR detail LIKE ?)",
            ("%計画.pdf%",) * 4,
        ),
    ]
    print(f"{'what':42} {'ours':>8} {'floor':>8} {'ratio':>6}  target")
    for label, conditions, where, params in cases:
        ours = median_of(args.runs, lambda c=conditions: audit_rows(db, c, SHOWN))
        floor = median_of(args.runs, floor_screen(path, where, params))
        met = "met" if ours <= 2 * floor and ours < 1 else "MISS"
        print(f"{label:42} {ours:7.3f}s {floor:7.3f}s {ours / floor:5.1f}×  ≤ 2×, < 1 s: {met}")
    export_runs = max(1, args.runs // 5)
    ours = median_of(export_runs, lambda: export_audit(db, AuditFilter(), folder / "ours.xlsx"))
    floor = median_of(export_runs, floor_export(path, folder / "floor.xlsx"))
    met = "met" if ours <= 1.5 * floor else "MISS"
    print(
        f"{'export all ' + format(args.entries, ',') + ' entries (.xlsx)':42} {ours:7.1f}s {floor:7.1f}s "
        f"{ours / floor:5.1f}×  ≤ 1.5×: {met}"
    )
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
