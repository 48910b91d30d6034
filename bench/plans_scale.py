"""学習計画 list at 50,000 learners: our figures beside the bare-library floor, same run.

    .venv/bin/python bench/plans_scale.py [--learners 50000] [--keep DIR]

Builds one database: the demo roster, a completed 事前 diagnosis and a current
plan of 12 lines for 80% of the learners, and training records for about half
of the plan lines (finished, in progress, withdrawn). Prints:
  - plan_overview(): every learner with the 年度's plan and its progress
        vs plain sqlite3 reading the same rows (learners, plans, lines, records) into tuples
        (target ≤ 3×; it runs in a worker thread, so the target is against the floor)
  - first rows on screen, from constructing PlansPage              (target < 2 s)
  - median search keystroke                                         (target < 100 ms)

Each figure is the best of 3 (keystrokes: the median). Building the database is timed, no target.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop.store.catalog_service import CatalogService  # noqa: E402
from desktop.store.database import open_database  # noqa: E402
from desktop.store.demo import seed_demo_roster  # noqa: E402
from desktop.store.framework_service import FrameworkService  # noqa: E402
from desktop.store.migrate import prepare_database  # noqa: E402
from desktop.store.plan_views import plan_overview  # noqa: E402
from desktop.ui.app import create_application  # noqa: E402
from desktop.ui.pages.plans_page import PlansPage  # noqa: E402
from desktop.ui.workers import wait_for_background_work  # noqa: E402

YEAR = 2025
TODAY = date(2025, 12, 1)
LINES = 12
KEYSTROKES = ["山", "山田", "山", "", "総務", "総務部", "", "M0001", "M00012", ""]


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def best_of(runs: int, action: Callable[[], object]) -> float:
    return min(timed(action) for _ in range(runs))


def build_database(path: Path, learners: int) -> tuple[float, int, int]:
    """Roster through the app; plans, lines and records in bulk (their shape is what the list reads)."""
    start = time.perf_counter()
    db = open_database(str(path))
    prepare_database(db)
    seed_demo_roster(db, count=learners)
    framework_id, framework = FrameworkService(db).current()
    with db.transaction() as session:
        CatalogService(db).current_in(session, framework)
    db.dispose()
    rng = random.Random(2026)
    now = datetime(2025, 6, 1)
    connection = sqlite3.connect(path)
    with connection:
        learner_ids = [row[0] for row in connection.execute("SELECT id FROM learners ORDER BY id")]
        course_ids = [row[0] for row in connection.execute("SELECT id FROM courses ORDER BY id")]
        planned = [i for i in learner_ids if rng.random() < 0.8]
        connection.executemany(
            "INSERT INTO diagnoses (learner_id, framework_id, kind, role_id, status, method, diagnosed_on,"
            " current_page, completed_at, levels_json, created_at, updated_at, version)"
            " VALUES (?, ?, 'pre', 'general', 'completed', 'screen', '2025-04-20', 0, ?, '{}', ?, ?, 1)",
            [(i, framework_id, now, now, now) for i in planned],
        )
        statuses = ["draft", "approved", "active", "active", "done"]
        connection.executemany(
            "INSERT INTO learning_plans (learner_id, fiscal_year, revision, current, status, period_start,"
            " period_end, hours_budget, goal, mentor, role_id, role_name, created_by, status_by, status_at,"
            " created_at, updated_at, version)"
            " VALUES (?, ?, 1, 1, ?, '2025-05-01', '2025-10-31', 40, '', '担当 太郎', 'general', '一般職員',"
            " 'bench', 'bench', ?, ?, ?, 1)",
            [(i, YEAR, rng.choice(statuses), now, now, now) for i in planned],
        )
        plans = connection.execute("SELECT id, learner_id FROM learning_plans").fetchall()
        lines, records = [], []
        for plan_id, learner_id in plans:
            for position, course_id in enumerate(rng.sample(course_ids, LINES)):
                month = f"2025-{5 + position // 2:02d}-01"
                lines.append((plan_id, position, course_id, month, 3, "gap", "差を補う"))
                draw = rng.random()
                if draw < 0.35:
                    records.append((learner_id, course_id, "completed", "2025-06-20", 3))
                elif draw < 0.5:
                    records.append((learner_id, course_id, "in_progress", None, 1.5))
                elif draw < 0.52:
                    records.append((learner_id, course_id, "withdrawn", None, None))
        connection.executemany(
            "INSERT INTO plan_lines (plan_id, position, course_id, month, hours, reason, why)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            lines,
        )
        connection.executemany(
            "INSERT INTO training_records (learner_id, course_id, status, started_on, completed_on, hours,"
            " source, created_at, updated_at, version) VALUES (?, ?, ?, '2025-06-01', ?, ?, 'manual', ?, ?, 1)",
            [(*record, now, now) for record in records],
        )
    connection.close()
    return time.perf_counter() - start, len(plans), len(records)


def overview_floor(path: Path) -> float:
    """The same rows as plan_overview, read by sqlite3 into tuples: nothing matched, nothing computed."""
    connection = sqlite3.connect(path)

    def read() -> None:
        connection.execute(
            "SELECT id, number, name, organization_id, department_id, role, furigana FROM learners"
            " WHERE status != 'retired' ORDER BY organization_id, number"
        ).fetchall()
        connection.execute("SELECT DISTINCT learner_id FROM diagnoses WHERE status = 'completed'").fetchall()
        current = "SELECT id FROM learning_plans WHERE fiscal_year = ? AND current = 1"
        connection.execute(
            "SELECT id, version, learner_id, revision, status, period_start, period_end, hours_budget, mentor,"
            f" status_by, status_at FROM learning_plans WHERE id IN ({current})",
            (YEAR,),
        ).fetchall()
        connection.execute(
            f"SELECT plan_id, course_id, month, hours FROM plan_lines WHERE plan_id IN ({current})", (YEAR,)
        ).fetchall()
        connection.execute(
            "SELECT learner_id, course_id, status, hours, progress_percent, completed_on FROM training_records"
            " WHERE learner_id IN (SELECT learner_id FROM learning_plans WHERE fiscal_year = ? AND current = 1)",
            (YEAR,),
        ).fetchall()

    try:
        return best_of(3, read)
    finally:
        connection.close()


def open_page(app: QApplication, db: object) -> tuple[float, PlansPage]:
    start = time.perf_counter()
    page = PlansPage(db, today=TODAY)  # type: ignore[arg-type]
    page.year_combo.setCurrentIndex(page.year_combo.findData(YEAR))
    page.resize(1400, 800)
    page.show()
    while page.model.rowCount() == 0 or page._wanted != (YEAR, None):
        app.processEvents()
        time.sleep(0.002)
    app.processEvents()
    return time.perf_counter() - start, page


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--learners", type=int, default=50_000)
    parser.add_argument("--keep", type=Path, help="keep the database in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="manabi-bench-plans-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "plans.sqlite"
    path.unlink(missing_ok=True)
    built, plans, records = build_database(path, args.learners)
    print(
        f"database: {args.learners:,} learners, {plans:,} plans x {LINES} lines, {records:,} records ({built:.1f} s)"
    )

    db = open_database(str(path))
    ours = best_of(3, lambda: plan_overview(db, YEAR, today=TODAY))
    floor = overview_floor(path)

    app = create_application([])
    first_rows = []
    page = None
    for _ in range(3):
        if page is not None:
            page.close()
            page.deleteLater()
            wait_for_background_work()
            app.processEvents()
        seconds, page = open_page(app, db)
        first_rows.append(seconds)
    assert page is not None
    strokes = []
    for text in KEYSTROKES * 2:
        strokes.append(timed(lambda text=text: (page.search.setText(text), app.processEvents())))
    keystroke = statistics.median(strokes)
    page.close()
    wait_for_background_work()
    db.dispose()

    print(f"\n{'measure':<34} {'ours':>9} {'floor':>9} {'ratio':>6}  target")
    print(f"{'plan_overview()':<34} {ours:>8.2f}s {floor:>8.2f}s {ours / floor:>5.1f}x  <= 3x floor")
    print(f"{'first rows on screen':<34} {min(first_rows):>8.2f}s {'':>9} {'':>6}  < 2 s")
    print(f"{'search keystroke (median)':<34} {keystroke * 1000:>7.0f}ms {'':>9} {'':>6}  < 100 ms")
    if not args.keep:
        path.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
