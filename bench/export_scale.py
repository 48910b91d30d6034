"""Submission exports at scale: our writer beside plain openpyxl write-only, same cells, same run.

    .venv/bin/python bench/export_scale.py [--learners 50000] [--records 500000] [--runs 1]

Each measurement runs in a fresh process (so its peak memory, ru_maxrss, is its
own) and generates the same rows the same way: a 共同調達 list of --learners
learners and a 研修実績 list of --records records (plain tuples, as the store
hands them over). Ours: desktop.exchange.submission_book with the export's
sheets (header/footer, widths, dates, the totals and 条件 sheets). Floor:
openpyxl Workbook(write_only=True), one sheet, header + ws.append of the same
tuples, saved. Fastest of --runs counts. Target: within 1.5× the floor, peak
memory under 300 MB.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_RATIO = 1.5
TARGET_MB = 300.0


def procurement_rows(n: int) -> Iterator[tuple[object, ...]]:
    from desktop.exchange.submission_sheets import ProcurementUser

    for i in range(n):
        yield ProcurementUser(
            f"団体{i % 30:02d}", f"総務部／課{i % 200:03d}", f"{i:08d}", f"髙橋　﨑子{i}", "タカハシ　サキコ",
            f"user{i}@example.lg.jp", "行政職員", date(2025, 4, 1) + timedelta(days=i % 60), "",
        )  # fmt: skip


def record_rows(n: int) -> Iterator[tuple[object, ...]]:
    from desktop.exchange.submission_sheets import RecordLine

    for i in range(n):
        day = date(2025, 4, 1) + timedelta(days=i % 365)
        yield RecordLine(
            f"団体{i % 30:02d}", f"総務部／課{i % 200:03d}", f"{i // 10:08d}", f"受講者{i // 10}", f"C-{i % 5500:05d}",
            f"講座{i % 5500}：業務改善とDX", "eラーニング", "Udemy", day, day + timedelta(days=30),
            Decimal(i % 40) / 4, (i * 7) % 101, "修了",
        )  # fmt: skip


def _child(kind: str, which: str, rows: int, out: Path) -> dict[str, float]:
    started = time.perf_counter()
    if which == "floor":
        from openpyxl import Workbook

        from desktop.exchange.submission_sheets import PROCUREMENT_HEADERS, RECORD_HEADERS

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("list")
        sheet.append(list(PROCUREMENT_HEADERS if kind == "procurement" else RECORD_HEADERS))
        for row in procurement_rows(rows) if kind == "procurement" else record_rows(rows):
            sheet.append(row)
        workbook.save(out)
    else:
        from desktop.exchange.submission_book import BookHeading, write_submission_book
        from desktop.exchange.submission_sheets import (
            ProcurementList,
            RecordsReport,
            RecordTotals,
            procurement_sheets,
            records_sheets,
        )

        heading = BookHeading("bench", datetime.now(), "bench", [("年度", "2025")])
        if kind == "procurement":
            sheets = procurement_sheets(ProcurementList(list(procurement_rows(rows)), [], ["団体00"]))
        else:
            total = RecordTotals("合計", "", 0, rows, 0, Decimal(0))
            sheets = records_sheets(RecordsReport(record_rows(rows), [total], [total], total))
        write_submission_book(out, heading, sheets)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak_mb}


def _measure(kind: str, which: str, rows: int, folder: Path, runs: int) -> dict[str, float]:
    best: dict[str, float] | None = None
    for _ in range(runs):
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                kind,
                which,
                str(rows),
                str(folder / f"{kind}-{which}.xlsx"),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(done.stdout.strip().splitlines()[-1])
        if best is None or result["seconds"] < best["seconds"]:
            best = result
    assert best is not None
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=50_000)
    parser.add_argument("--records", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, which, rows, out = args.child
        print(json.dumps(_child(kind, which, int(rows), Path(out))))
        return
    print(f"{'export':<28}{'ours':>10}{'floor':>10}{'ratio':>8}{'ours MB':>10}{'floor MB':>10}  target")
    with tempfile.TemporaryDirectory(prefix="manabi-export-bench-") as folder:
        for kind, rows in (("procurement", args.learners), ("records", args.records)):
            ours = _measure(kind, "ours", rows, Path(folder), args.runs)
            floor = _measure(kind, "floor", rows, Path(folder), args.runs)
            ratio = ours["seconds"] / floor["seconds"]
            met = ratio <= TARGET_RATIO and ours["peak_mb"] < TARGET_MB
            print(
                f"{kind + f' {rows:,} rows':<28}{ours['seconds']:>9.2f}s{floor['seconds']:>9.2f}s{ratio:>7.2f}×"
                f"{ours['peak_mb']:>10.0f}{floor['peak_mb']:>10.0f}  {'met' if met else 'NOT met'}"
            )


if __name__ == "__main__":
    main()
