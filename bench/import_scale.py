"""Imports at scale: our 名簿取込 and 受講実績取込 beside the bare-library floor, same run.

    .venv/bin/python bench/import_scale.py [--roster-rows 50000] [--udemy-rows 500000] [--keep DIR]
                                           [--runs 3] [--profile]

Generates, in a temporary folder (or --keep DIR):
  - a CP932 HR roster (職員番号,氏名,フリガナ,所属,職名,メールアドレス,生年月日,団体名) with
    和暦 birth dates (S60.4.1, 昭和60年4月1日), half-width kana readings, 髙/﨑;
  - a UTF-8 Udemy Business course-activity report: each learner of a smaller roster
    (imported first, untimed) × 100 distinct courses out of 5,500.

Then, each in a fresh process so its peak memory is its own:
  - 名簿取込 of the roster into a fresh migrated database     vs the floor
  - 受講実績取込 of the report (every row new)                 vs the floor
  - the same report again (every row unchanged, nothing written) vs the same floor
The floor is stdlib csv reading the same file with the right codec plus sqlite3
executemany (chunks of 5,000, one transaction) of the same rows into the same
tables of a database made by the same migrations, with the app's pragmas
(WAL, foreign_keys=ON, synchronous=NORMAL). It only looks up the ids it must
(団体, 所属 by its text, learner by e-mail, course) and the batch row, writes the
same columns ours does, and keeps dates and cells as the file has them.
Each import, ours and the floor, runs --runs times; the fastest counts.
Target (issue): within 3× the floor, peak memory under 500 MB.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_RATIO = 3.0
TARGET_MB = 500.0
CHUNK = 5000
COURSES_PER_LEARNER = 100
COURSE_POOL = 5500
ROSTER_SEED = 2026
UDEMY_SEED = 4242

ROSTER_HEADERS = ["職員番号", "氏名", "フリガナ", "所属", "職名", "メールアドレス", "生年月日", "団体名"]
UDEMY_HEADERS = [
    "User Email",
    "User Name",
    "User Surname",
    "Course ID",
    "Course Title",
    "Course Category",
    "Course Duration",
    "Completion Ratio",
    "Minutes Video Consumed",
    "Course Enroll Date",
    "Course Start Date",
    "Course Completion Date",
    "Course Last Accessed Date",
]

PRAGMAS = ("PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=5000", "PRAGMA synchronous=NORMAL")
# The floor writes the columns our import writes (所属 and batch included), so the
# two put the same rows into the same table and its indexes.
LEARNER_INSERT = (
    "INSERT INTO learners (organization_id, number, department_id, name, furigana, email, job_title,"
    " kind, status, birth_date, import_batch_id, version, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, 'staff', 'active', ?, ?, 1, ?, ?)"
)
DEPARTMENT_INSERT = (
    "INSERT INTO departments (organization_id, name, sort_order, version, created_at, updated_at)"
    " VALUES (?, ?, 0, 1, ?, ?)"
)
BATCH_INSERT = (
    "INSERT INTO import_batches (kind, file_name, file_sha256, row_count, created_count, updated_count,"
    " unchanged_count, retired_count, skipped_count, unmatched_count, user_name, version, created_at,"
    " updated_at) VALUES ('roster', ?, '', 0, 0, 0, 0, 0, 0, 0, 'floor', 1, ?, ?)"
)
# Each learner an import adds is in the audit log (who, when, which learner): the
# floor writes the same rows, and the one for the batch.
AUDIT_INSERT = (
    "INSERT INTO audit_log (at, actor_login, actor_name, actor_role, action, entity, entity_id,"
    " entity_label, field, old_value, new_value, detail) VALUES (?, 'floor', 'floor', 'admin', ?, ?,"
    " NULL, ?, NULL, NULL, NULL, ?)"
)
ORGANIZATION_INSERT = (
    "INSERT INTO organizations (name, kind, version, created_at, updated_at)"
    " VALUES (?, 'municipality', 1, ?, ?)"
)
COURSE_INSERT = (
    "INSERT INTO courses (code, title, provider, delivery_method, standard_hours, category,"
    " version, created_at, updated_at) VALUES (?, ?, 'Udemy Business', 'eラーニング', ?, ?, 1, ?, ?)"
)
RECORD_INSERT = (
    "INSERT INTO training_records (learner_id, course_id, status, enrolled_on, started_on, completed_on,"
    " last_accessed_on, hours, progress_percent, minutes, source, version, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'udemy', 1, ?, ?)"
)


# -- generated files ------------------------------------------------------------

_SHOWA = date(1926, 12, 25)
_HEISEI = date(1989, 1, 8)


def _half_width_table() -> dict[str, str]:
    """Full-width katakana → the half-width spelling an old HR system writes (ｶﾞ for ガ)."""
    table: dict[str, str] = {"\u3000": " "}
    bases = [chr(c) for c in range(0xFF61, 0xFFA0)]
    for half in bases:
        table.setdefault(unicodedata.normalize("NFKC", half), half)
        for mark in "ﾞﾟ":
            full = unicodedata.normalize("NFKC", half + mark)
            if len(full) == 1:
                table.setdefault(full, half + mark)
    return table


_HALF = _half_width_table()


def half_width(reading: str) -> str:
    return "".join(_HALF.get(ch, ch) for ch in reading)


def birth_text(birth: date | None, draw: float) -> str:
    """Birth dates the way different HR systems write them."""
    if birth is None:
        return ""
    if draw < 0.45:
        return f"{birth.year}/{birth.month:02d}/{birth.day:02d}"
    if draw < 0.85:
        letter, year = ("H", birth.year - 1988) if birth >= _HEISEI else ("S", birth.year - 1925)
        assert birth >= _SHOWA
        if draw < 0.70:
            return f"{letter}{year}.{birth.month}.{birth.day}"
        era = {"H": "平成", "S": "昭和"}[letter]
        return f"{era}{year}年{birth.month}月{birth.day}日"
    if draw < 0.95:
        return birth.strftime("%Y%m%d")
    return f"{birth.year}-{birth.month}-{birth.day}"


def write_roster(path: Path, count: int, seed: int) -> list[tuple[str, str, str]]:
    """A CP932 HR roster of `count` learners; returns (e-mail, given name, family name) of each."""
    from desktop.domain.demo_roster import MUNICIPAL_DIVISIONS, generate_demo_roster

    parent_of = {ka: bu for bu, kas in MUNICIPAL_DIVISIONS for ka, _ in kas}
    roster = generate_demo_roster(count, seed)
    rng = random.Random(seed)
    people: list[tuple[str, str, str]] = []
    with path.open("w", encoding="cp932", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(ROSTER_HEADERS)
        for learner in roster.learners:
            department = learner.department or ""
            if department in parent_of:
                department = f"{parent_of[department]}／{department}"
            furigana = half_width(learner.furigana) if rng.random() < 0.15 else learner.furigana
            writer.writerow(
                [
                    learner.number,
                    learner.name,
                    furigana,
                    department,
                    learner.job_title,
                    learner.email,
                    birth_text(learner.birth_date, rng.random()),
                    learner.organization,
                ]
            )
            family, _, given = learner.name.partition("\u3000")
            people.append((learner.email, given, family))
    return people


_TOPICS = (
    "Python",
    "Excel",
    "生成AI",
    "ChatGPT",
    "SQL",
    "AWS",
    "Azure",
    "データ分析",
    "セキュリティ",
    "Power BI",
    "Java",
    "JavaScript",
    "プロジェクトマネジメント",
    "Linux",
    "Docker",
    "RPA",
    "ITパスポート",
    "基本情報技術者",
    "Tableau",
    "Scrum",
)
_SHAPES = (
    "{t} 完全入門",
    "はじめての{t}【初心者向け】",
    "{t} 実践講座 — 現場で使える{n}のテクニック",
    "The Complete {t} Bootcamp {y}",
    "{t} for Beginners: Hands-on in {n} Steps",
    "【{y}年版】{t}徹底マスター",
    "{t} 応用編：業務効率化の{n}のコツ",
)
_CATEGORIES = (
    "IT・ソフトウェア",
    "開発",
    "ビジネス",
    "オフィス生産性",
    "デザイン",
    "Development",
    "IT & Software",
)
_DAY0 = date(2024, 4, 1).toordinal()
_DAYS = (date(2026, 3, 31) - date(2024, 4, 1)).days


def _stamp(rng: random.Random, day: int) -> str:
    seconds = rng.randrange(8 * 3600, 22 * 3600)
    hour, rest = divmod(seconds, 3600)
    return f"{date.fromordinal(day).isoformat()} {hour:02d}:{rest // 60:02d}:{rest % 60:02d}"


def write_udemy(path: Path, people: list[tuple[str, str, str]], rows: int, seed: int) -> None:
    """A UTF-8 course-activity report: each person × COURSES_PER_LEARNER distinct courses."""
    rng = random.Random(seed)
    courses = []
    ids = rng.sample(range(100_000, 6_000_000), COURSE_POOL)
    for course_id in ids:
        title = rng.choice(_SHAPES).format(
            t=rng.choice(_TOPICS), n=rng.randint(3, 50), y=rng.choice((2023, 2024, 2025))
        )
        hours = rng.choice((0.5, 1, 1.5, 2, 3.5, 5, 8, 12.5, 22, 40.5))
        courses.append((str(course_id), f"{title} #{course_id}", rng.choice(_CATEGORIES), hours))
    written = 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(UDEMY_HEADERS)
        for email, given, family in people:
            if rng.random() < 0.05:
                email = email[0].upper() + email[1:]  # the address as typed into Udemy
            for index in rng.sample(range(COURSE_POOL), COURSES_PER_LEARNER):
                if written == rows:
                    return
                course_id, title, category, hours = courses[index]
                draw = rng.random()
                ratio = 100 if draw < 0.3 else 0 if draw < 0.45 else rng.randint(1, 99)
                minutes = round(hours * 60 * ratio / 100)
                enrolled = _DAY0 + rng.randrange(_DAYS - 60)
                started = enrolled + rng.randrange(0, 15)
                last = min(started + rng.randrange(0, 45), _DAY0 + _DAYS)
                writer.writerow(
                    [
                        email,
                        given,
                        family,
                        course_id,
                        title,
                        category,
                        f"{hours:g}",
                        ratio,
                        minutes,
                        _stamp(rng, enrolled),
                        "" if ratio == 0 else _stamp(rng, started),
                        _stamp(rng, last) if ratio == 100 else "",
                        _stamp(rng, last if ratio else enrolled),
                    ]
                )
                written += 1


# -- databases -------------------------------------------------------------------


def migrated_template(path: Path) -> None:
    from desktop.store.database import open_database
    from desktop.store.migrate import prepare_database

    db = open_database(path)
    prepare_database(db)
    db.dispose()


def copy_database(source: Path, target: Path) -> None:
    for leftover in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        leftover.unlink(missing_ok=True)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")


def import_roster(db_path: Path, csv_path: Path) -> Any:
    from desktop.store.database import open_database
    from desktop.store.migrate import prepare_database
    from desktop.store.roster_import import RosterImporter, RosterImportOptions, RosterSource

    db = open_database(db_path)
    prepare_database(db)
    try:
        return RosterImporter(db, user_name="bench").run(RosterSource(csv_path), RosterImportOptions())
    finally:
        db.dispose()


# -- what each child process measures ----------------------------------------------


def ours_roster(db_path: Path, csv_path: Path) -> Callable[[], dict[str, Any]]:
    from desktop.store.database import open_database
    from desktop.store.migrate import prepare_database
    from desktop.store.roster_import import RosterImporter, RosterImportOptions, RosterSource

    db = open_database(db_path)
    prepare_database(db)

    def run() -> dict[str, Any]:
        result = RosterImporter(db, user_name="bench").run(RosterSource(csv_path), RosterImportOptions())
        return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}

    return run


def ours_udemy(db_path: Path, csv_path: Path) -> Callable[[], dict[str, Any]]:
    from desktop.store.database import open_database
    from desktop.store.udemy_import import UdemyImporter

    db = open_database(db_path)

    def run() -> dict[str, Any]:
        outcome = UdemyImporter(db, user_name="bench").run(csv_path)
        return {
            "created": outcome.created,
            "updated": outcome.updated,
            "unchanged": outcome.unchanged,
            "unmatched": outcome.unmatched_count,
            "problems": len(outcome.problems),
        }

    return run


def _connect(db_path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(db_path, isolation_level=None)
    for pragma in PRAGMAS:
        connection.execute(pragma)
    return connection


def _write_learners(
    connection: sqlite3.Connection, chunk: list[tuple[Any, ...]], now: str, batch_id: Any
) -> None:
    connection.executemany(LEARNER_INSERT, chunk)
    detail = f"取込番号 {batch_id}"
    connection.executemany(
        AUDIT_INSERT, [(now, "create", "learners", f"{row[1]} {row[3]}", detail) for row in chunk]
    )


def floor_roster(db_path: Path, csv_path: Path) -> Callable[[], dict[str, Any]]:
    def run() -> dict[str, Any]:
        connection = _connect(db_path)
        connection.execute("BEGIN")
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
        organizations: dict[str, int] = {}
        departments: dict[tuple[int, str], int] = {}
        batch_id = connection.execute(BATCH_INSERT, (csv_path.name, now, now)).lastrowid
        chunk: list[tuple[Any, ...]] = []
        created = 0
        with csv_path.open(encoding="cp932", newline="") as stream:
            reader = csv.reader(stream)
            column = {name: index for index, name in enumerate(next(reader))}
            number, name, furigana = column["職員番号"], column["氏名"], column["フリガナ"]
            title, email, birth, org, department = (
                column["職名"],
                column["メールアドレス"],
                column["生年月日"],
                column["団体名"],
                column["所属"],
            )
            for cells in reader:
                org_id = organizations.get(cells[org])
                if org_id is None:
                    cursor = connection.execute(ORGANIZATION_INSERT, (cells[org], now, now))
                    org_id = organizations[cells[org]] = int(cursor.lastrowid or 0)
                department_id = departments.get((org_id, cells[department]))
                if department_id is None:
                    cursor = connection.execute(DEPARTMENT_INSERT, (org_id, cells[department], now, now))
                    department_id = departments[(org_id, cells[department])] = int(cursor.lastrowid or 0)
                chunk.append(
                    (
                        org_id,
                        cells[number],
                        department_id,
                        cells[name],
                        cells[furigana],
                        cells[email] or None,
                        cells[title] or None,
                        cells[birth] or None,
                        batch_id,
                        now,
                        now,
                    )
                )
                if len(chunk) >= CHUNK:
                    _write_learners(connection, chunk, now, batch_id)
                    created += len(chunk)
                    chunk.clear()
        _write_learners(connection, chunk, now, batch_id)
        created += len(chunk)
        connection.execute(
            AUDIT_INSERT, (now, "import", "roster", "名簿取込", f"{csv_path.name}: 追加 {created}件")
        )
        connection.execute("COMMIT")
        connection.close()
        return {"created": created}

    return run


def floor_udemy(db_path: Path, csv_path: Path) -> Callable[[], dict[str, Any]]:
    def run() -> dict[str, Any]:
        connection = _connect(db_path)
        connection.execute("BEGIN")
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
        learners = {
            email.lower(): learner_id
            for learner_id, email in connection.execute(
                "SELECT id, email FROM learners WHERE email IS NOT NULL"
            )
        }
        courses: dict[str, int] = {}
        chunk: list[tuple[Any, ...]] = []
        created = unmatched = 0
        with csv_path.open(encoding="utf-8", newline="") as stream:
            reader = csv.reader(stream)
            column = {name: index for index, name in enumerate(next(reader))}
            email, course, title = column["User Email"], column["Course ID"], column["Course Title"]
            category, duration = column["Course Category"], column["Course Duration"]
            ratio_at, minutes_at = column["Completion Ratio"], column["Minutes Video Consumed"]
            enrolled, started = column["Course Enroll Date"], column["Course Start Date"]
            completed, last = column["Course Completion Date"], column["Course Last Accessed Date"]
            for cells in reader:
                learner_id = learners.get(cells[email].lower())
                if learner_id is None:
                    unmatched += 1
                    continue
                code = "udemy:" + cells[course]
                course_id = courses.get(code)
                if course_id is None:
                    cursor = connection.execute(
                        COURSE_INSERT, (code, cells[title], cells[duration], cells[category], now, now)
                    )
                    course_id = courses[code] = int(cursor.lastrowid or 0)
                ratio = int(cells[ratio_at] or 0)
                minutes = int(cells[minutes_at] or 0)
                status = (
                    "completed" if cells[completed] else "in_progress" if ratio or minutes else "enrolled"
                )
                chunk.append(
                    (
                        learner_id,
                        course_id,
                        status,
                        cells[enrolled][:10] or None,
                        cells[started][:10] or None,
                        cells[completed][:10] or None,
                        cells[last][:10] or None,
                        round(minutes / 60, 2),
                        ratio,
                        minutes,
                        now,
                        now,
                    )
                )
                if len(chunk) >= CHUNK:
                    connection.executemany(RECORD_INSERT, chunk)
                    created += len(chunk)
                    chunk.clear()
        connection.executemany(RECORD_INSERT, chunk)
        created += len(chunk)
        connection.execute("COMMIT")
        connection.close()
        return {"created": created, "unmatched": unmatched}

    return run


CHILDREN: dict[str, Callable[[Path, Path], Callable[[], dict[str, Any]]]] = {
    "roster-ours": ours_roster,
    "roster-floor": floor_roster,
    "udemy-ours": ours_udemy,
    "udemy-floor": floor_udemy,
}


def peak_mb() -> float:
    """This process's peak resident memory, in MB.

    VmHWM, not ru_maxrss: Linux carries ru_maxrss across fork+exec, so a child's
    figure would start at whatever the parent (which imported the app and built the
    databases) had reached.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(kind: str, db_path: Path, csv_path: Path, profile: Path | None) -> int:
    """Runs in its own process: set up untimed, then time one import; prints one JSON line."""
    action = CHILDREN[kind](db_path, csv_path)
    base = peak_mb()
    if profile is not None:
        import cProfile

        profiler = cProfile.Profile()
        start = time.perf_counter()
        counts = profiler.runcall(action)
        seconds = time.perf_counter() - start
        profiler.dump_stats(profile)
    else:
        start = time.perf_counter()
        counts = action()
        seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb(), "base_mb": base, "counts": counts}))
    return 0


def measure(kind: str, db_path: Path, csv_path: Path, profile: Path | None = None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", kind, "--db", str(db_path), "--file", str(csv_path)]
    if profile is not None:
        command += ["--profile-to", str(profile)]
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def best_of(runs: int, run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The fastest of `runs` measurements (noise only ever adds), with the highest peak seen."""
    results = [run() for _ in range(max(1, runs))]
    best = min(results, key=lambda r: r["seconds"])
    return {**best, "peak_mb": max(r["peak_mb"] for r in results)}


def print_profile(path: Path, label: str) -> None:
    import pstats

    print(f"\n-- profile: {label} (cumulative, top 25) --")
    stats = pstats.Stats(str(path), stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(25)


# -- the run -------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--roster-rows", type=int, default=50_000)
    parser.add_argument("--udemy-rows", type=int, default=500_000)
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        help="measure each import, ours and the floor alike, this many times and keep the fastest (default 3)",
    )
    parser.add_argument("--keep", type=Path, help="keep the generated files and databases in this folder")
    parser.add_argument(
        "--profile", action="store_true", help="also profile our imports (cProfile; a separate run)"
    )
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.db, args.file, args.profile_to)

    print(
        f"machine: {os.cpu_count()} CPUs, {platform.machine()}, {platform.system()} {platform.release()};"
        f" Python {platform.python_version()}; SQLite {sqlite3.sqlite_version};"
        f" load average {os.getloadavg()[0]:.2f} at start"
    )
    folder = args.keep or Path(tempfile.mkdtemp(prefix="manabi-import-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    roster_csv = folder / "roster_cp932.csv"
    udemy_roster_csv = folder / "udemy_roster_cp932.csv"
    udemy_csv = folder / "udemy_course_activity.csv"
    template = folder / "template.sqlite"
    udemy_base = folder / "udemy_base.sqlite"

    start = time.perf_counter()
    write_roster(roster_csv, args.roster_rows, ROSTER_SEED)
    learners = max(1, math.ceil(args.udemy_rows / COURSES_PER_LEARNER))
    people = write_roster(udemy_roster_csv, learners, UDEMY_SEED)
    write_udemy(udemy_csv, people, args.udemy_rows, UDEMY_SEED)
    template.unlink(missing_ok=True)
    migrated_template(template)
    copy_database(template, udemy_base)
    base_roster = import_roster(udemy_base, udemy_roster_csv)
    assert base_roster.created == learners, base_roster.summary()
    print(
        f"files: {args.roster_rows:,}-row roster {roster_csv.stat().st_size / 2**20:.1f} MB (cp932),"
        f" {args.udemy_rows:,}-row Udemy report {udemy_csv.stat().st_size / 2**20:.1f} MB (utf-8)"
        f" for {learners:,} learners; made in {time.perf_counter() - start:.1f} s at {folder}"
    )

    def fresh(name: str, source: Path) -> Path:
        target = folder / name
        copy_database(source, target)
        return target

    roster_ours = best_of(
        args.runs, lambda: measure("roster-ours", fresh("roster_ours.sqlite", template), roster_csv)
    )
    roster_floor = best_of(
        args.runs, lambda: measure("roster-floor", fresh("roster_floor.sqlite", template), roster_csv)
    )
    udemy_db = folder / "udemy_ours.sqlite"
    udemy_ours = best_of(
        args.runs, lambda: measure("udemy-ours", fresh(udemy_db.name, udemy_base), udemy_csv)
    )
    # The last run's database now holds every row: importing again changes nothing.
    udemy_again = best_of(args.runs, lambda: measure("udemy-ours", udemy_db, udemy_csv))
    udemy_floor = best_of(
        args.runs, lambda: measure("udemy-floor", fresh("udemy_floor.sqlite", udemy_base), udemy_csv)
    )

    assert roster_ours["counts"]["created"] == args.roster_rows, roster_ours
    assert roster_floor["counts"]["created"] == args.roster_rows, roster_floor
    assert udemy_ours["counts"]["created"] == args.udemy_rows, udemy_ours
    assert udemy_again["counts"]["unchanged"] == args.udemy_rows, udemy_again
    assert udemy_floor["counts"]["created"] == args.udemy_rows, udemy_floor

    rows = [
        (f"名簿取込 {args.roster_rows:,} rows (all new)", roster_ours, roster_floor),
        (f"受講実績取込 {args.udemy_rows:,} rows (all new)", udemy_ours, udemy_floor),
        ("受講実績取込 again (all unchanged)", udemy_again, udemy_floor),
    ]
    print(
        f"\n{'what':40} {'ours':>8} {'floor':>8} {'ratio':>6} {'ours MB':>8} {'floor MB':>8}"
        f"  target              met?"
    )
    for name, ours, floor in rows:
        ratio = ours["seconds"] / floor["seconds"]
        met = ratio <= TARGET_RATIO and ours["peak_mb"] < TARGET_MB
        print(
            f"{_pad(name, 40)} {ours['seconds']:7.2f}s {floor['seconds']:7.2f}s {ratio:5.1f}×"
            f" {ours['peak_mb']:8.0f} {floor['peak_mb']:8.0f}"
            f"  ≤ {TARGET_RATIO:g}×, < {TARGET_MB:g} MB  {'PASS' if met else 'MISS'}"
        )
    print(
        f"\nfastest of {max(1, args.runs)} runs each, ours and the floor alike, each run in a fresh process."
        " peak MB is the process's peak resident memory (VmHWM), including the interpreter and its imports;"
        f" before the import it was {roster_ours['base_mb']:.0f} MB (ours, roster),"
        f" {udemy_ours['base_mb']:.0f} MB (ours, Udemy), {roster_floor['base_mb']:.0f} MB (floor)."
    )

    if args.profile:
        print("\nprofiling (timings under cProfile are inflated; read the shares, not the seconds)")
        profiles = [
            ("roster-ours", fresh("roster_prof.sqlite", template), roster_csv, "名簿取込"),
            ("udemy-ours", fresh("udemy_prof.sqlite", udemy_base), udemy_csv, "受講実績取込 (new)"),
            ("udemy-ours", folder / "udemy_prof.sqlite", udemy_csv, "受講実績取込 (unchanged)"),
        ]
        for index, (kind, db_path, csv_path, label) in enumerate(profiles):
            out = folder / f"profile_{index}.prof"
            measure(kind, db_path, csv_path, out)
            print_profile(out, label)

    if not args.keep:
        shutil.rmtree(folder)
    return 0


def _pad(text: str, width: int) -> str:
    """Left-align counting East Asian wide characters as two columns."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - shown)


if __name__ == "__main__":
    sys.exit(main())
