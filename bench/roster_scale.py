"""名簿 at 50,000 learners: our figures beside the bare-library floor, same run.

    .venv/bin/python bench/roster_scale.py [--learners 50000] [--keep DIR]

Prints, for one database built here:
  - first screen of 名簿 rows   vs a plain sqlite3 SELECT of the same rows  (target < 1 s)
  - median search keystroke     vs a bare Python substring scan            (target < 100 ms)
    (and QSortFilterProxyModel on the same rows, the stock Qt way, for reference)
  - cold start to a shown window vs a bare QMainWindow process             (target ≤ 1.5×)
    (and, for information, to the database open and to 名簿 rows on screen)
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QSortFilterProxyModel, QTimer  # noqa: E402
from PySide6.QtGui import QInputMethodEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop.store.database import open_database  # noqa: E402
from desktop.store.demo import seed_demo_roster  # noqa: E402
from desktop.store.migrate import prepare_database  # noqa: E402
from desktop.store.roster_service import RosterService  # noqa: E402
from desktop.ui.app import create_application  # noqa: E402
from desktop.ui.pages.roster_page import RosterPage  # noqa: E402
from desktop.ui.roster_model import RosterTableModel  # noqa: E402

QUERIES = ["ヤ", "マ", "ダ", "\b", "\b", "\b", "さ", "と", "う", "\b", "\b", "\b", "m", "0", "0", "1", "2"]
BARE_WINDOW = (
    "import sys; from PySide6.QtCore import QTimer; from PySide6.QtWidgets import QApplication, QMainWindow;"
    "app = QApplication(sys.argv); w = QMainWindow(); w.resize(1280, 800); w.show();"
    "QTimer.singleShot(0, app.quit); app.exec()"
)


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def median_of(runs: int, action: Callable[[], object]) -> float:
    return statistics.median(timed(action) for _ in range(runs))


def build_database(path: Path, learners: int) -> None:
    db = open_database(path)
    prepare_database(db)
    seed_demo_roster(db, count=learners)
    db.dispose()


def sqlite_floor(path: Path) -> float:
    def select() -> None:
        connection = sqlite3.connect(path)
        connection.execute(
            "SELECT id, organization_id, number, name, furigana, email, department_id, job_title,"
            " kind, role, status, version FROM learners"
        ).fetchall()
        connection.close()

    return median_of(3, select)


def wait_until(condition: Callable[[], bool]) -> None:
    """Run the event loop as the app does (idle between events) until `condition` holds.

    A busy processEvents() loop would fight the loading worker for the GIL and
    measure that fight instead of the page.
    """
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(2)
    timer.timeout.connect(lambda: condition() and loop.quit())
    timer.start()
    if not condition():
        loop.exec()
    timer.stop()


def first_screen(path: Path) -> tuple[float, RosterPage]:
    db = open_database(path)
    start = time.perf_counter()
    page = RosterPage(RosterService(db))
    page.resize(1280, 760)
    page.show()
    wait_until(lambda: page.loaded)
    page.table.viewport().grab()  # the first screen of rows, painted
    return time.perf_counter() - start, page


def type_key(page: RosterPage, key: str) -> None:
    if key == "\b":
        page.search.backspace()
    else:
        event = QInputMethodEvent()
        event.setCommitString(key)
        QApplication.sendEvent(page.search, event)
    page.table.viewport().grab()


def keystrokes(page: RosterPage) -> float:
    page.search.setFocus()
    times = [timed(lambda key=key: type_key(page, key)) for key in QUERIES]
    page.search.clear()
    return statistics.median(times)


def substring_floor(page: RosterPage) -> float:
    texts = [f"{r.number}{r.name}{r.furigana}{r.email}" for r in page.model.rows]
    return statistics.median(
        timed(lambda q=q: [t for t in texts if q in t]) for q in ("ヤ", "ヤマ", "ヤマダ")
    )


def stock_proxy_keystroke(page: RosterPage) -> float:
    source = RosterTableModel()
    source.set_rows(page.model.rows)
    proxy = QSortFilterProxyModel()
    proxy.setFilterKeyColumn(-1)
    proxy.setSourceModel(source)
    return statistics.median(
        timed(lambda q=q: proxy.setFilterFixedString(q)) for q in ("ヤ", "ヤマ", "ヤマダ")
    )


def process_start(args: list[str]) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    # As on a clerk's PC: compiled bytecode is cached after the first start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    def run() -> None:
        subprocess.run([sys.executable, *args], check=True, capture_output=True, cwd=ROOT, env=env)

    run()  # warm the OS file cache: both sides are measured warm
    return median_of(3, run)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--learners", type=int, default=50_000)
    parser.add_argument("--keep", type=Path, help="keep the database in this folder")
    args = parser.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="manabi-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bench.sqlite"
    if path.exists():
        path.unlink()
    seconds = timed(lambda: build_database(path, args.learners))
    print(f"database: {args.learners:,} learners built in {seconds:.1f} s at {path}")

    create_application()
    floor_select = sqlite_floor(path)
    shown, page = first_screen(path)
    assert page.model.rowCount() == args.learners
    key = keystrokes(page)
    floor_key = substring_floor(page)
    stock_key = stock_proxy_keystroke(page)
    bare = process_start(["-c", BARE_WINDOW])
    cold_window = process_start(["-m", "desktop", "--db", str(path), "--quit-after-window"])
    cold_ready = process_start(["-m", "desktop", "--db", str(path), "--quit-after-show"])
    cold_roster = process_start(["-m", "desktop", "--db", str(path), "--page", "roster", "--quit-after-show"])

    rows = [
        ("名簿 first screen of rows", shown, floor_select, "plain sqlite3 SELECT", shown < 1.0, "< 1 s"),
        ("search keystroke (median)", key, floor_key, "bare substring scan", key < 0.1, "< 100 ms"),
        ("  stock QSortFilterProxyModel", stock_key, floor_key, "bare substring scan", None, "reference"),
        ("cold start to window", cold_window, bare, "bare QMainWindow", cold_window <= 1.5 * bare, "≤ 1.5×"),
        ("cold start to database open", cold_ready, bare, "bare QMainWindow", None, "information"),
        ("cold start to 名簿 rows", cold_roster, bare, "bare QMainWindow", None, "information"),
    ]
    print(f"\n{'measure':32} {'ours':>10} {'floor':>10}  {'ratio':>6}  target        floor is")
    for name, ours, floor, floor_name, ok, target in rows:
        verdict = "" if ok is None else ("PASS" if ok else "MISS")
        print(
            f"{name:32} {ours * 1000:8.1f}ms {floor * 1000:8.1f}ms  {ours / floor:5.1f}×  "
            f"{target:12} {floor_name}  {verdict}"
        )
    if not args.keep:
        for leftover in folder.glob("*"):
            leftover.unlink()
        folder.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
