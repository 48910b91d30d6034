"""Headless plan work: ``plan propose`` and ``plan print``.

Draft plans are proposed from each learner's latest completed diagnosis and
saved in one transaction; one line per learner says what was made or why not.
``plan print`` writes the 学習計画書 of each learner's current plan for the
年度: one PDF, or one file per learner in a folder.
"""

from __future__ import annotations

import argparse
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from desktop.domain.dates import fiscal_year
from desktop.store.database import Database

EXIT_OK = 0


def _hours(text: str) -> Decimal:
    try:
        hours = Decimal(text)
    except InvalidOperation as exc:
        raise argparse.ArgumentTypeError(f"時間は数で指定してください: {text}") from exc
    if not Decimal(0) < hours <= Decimal(2000):
        raise argparse.ArgumentTypeError("時間は0より大きく2000以下にしてください。")
    return hours


def _months(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 12:
        raise argparse.ArgumentTypeError("月数は1〜12で指定してください（計画は1つの年度の中に収めます）。")
    return int(text)


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    plan = commands.add_parser("plan", help="学習計画").add_subparsers(dest="action", required=True)
    proposed = plan.add_parser("propose", help="最新のスキル診断から学習計画の下書きを作る")
    who = proposed.add_mutually_exclusive_group(required=True)
    who.add_argument("--learner", help="受講者番号")
    who.add_argument("--department", help="所属（部／課 または課名）")
    who.add_argument("--all", action="store_true", help="在籍中の全員")
    proposed.add_argument("--org", help="団体名（受講者番号や所属が複数の団体にあるとき）")
    proposed.add_argument("--hours", type=_hours, default=Decimal(40), help="時間の上限（既定 40）")
    proposed.add_argument("--months", type=_months, default=3, help="期間の月数（既定 3）")
    proposed.add_argument("--fiscal-year", type=int, help="年度（既定は今日の年度）")

    printed = plan.add_parser("print", help="学習計画書（PDF）を書き出す")
    who = printed.add_mutually_exclusive_group(required=True)
    who.add_argument("--learner", help="受講者番号")
    who.add_argument("--department", help="所属（部／課 または課名）")
    who.add_argument("--all", action="store_true", help="在籍中の全員")
    printed.add_argument("--org", help="団体名（受講者番号や所属が複数の団体にあるとき）")
    printed.add_argument("--fiscal-year", type=int, help="年度（既定は今日の年度）")
    printed.add_argument(
        "--out",
        type=Path,
        required=True,
        help="書き出し先。.pdf で終われば1つのPDFに、それ以外はフォルダに1人1ファイルで書き出す",
    )


def run(args: argparse.Namespace, db: Database) -> int:
    if args.action == "print":
        from desktop.cli_diagnosis import NotFound
        from desktop.reports.pdf_common import PdfError

        try:
            return _print(args, db)
        except PdfError as exc:  # a locked file, a full disk: said plainly, exit 2
            raise NotFound(str(exc)) from exc
    return _propose(args, db)


def _print(args: argparse.Namespace, db: Database) -> int:
    from desktop.cli_diagnosis import NotFound, learner_ids_for
    from desktop.plan_printing import plan_sheets
    from desktop.reports.plan_sheet import write_plan_sheet_folder, write_plan_sheets
    from desktop.store.plan_views import current_plan_ids

    year = args.fiscal_year or fiscal_year(date.today())
    learner_ids = learner_ids_for(db, args)
    plan_ids = current_plan_ids(db, year, learner_ids)
    if not plan_ids:
        raise NotFound(
            f"{year}年度の学習計画がある受講者がいません。先に plan propose で計画を作ってください。"
        )
    sheets = plan_sheets(db, plan_ids)
    out: Path = args.out
    from desktop.domain.audit import AuditAction
    from desktop.store.audit_log import recorded_output

    with recorded_output(db, AuditAction.PRINT, "学習計画書", people=len(sheets), target=str(out)):
        if out.suffix.lower() == ".pdf":
            write_plan_sheets(out, sheets, date.today())
            where = out.name
        else:
            out.mkdir(parents=True, exist_ok=True)
            write_plan_sheet_folder(out, sheets, date.today())
            where = f"{out} に{len(sheets)}ファイル"
    missing = len(learner_ids) - len(plan_ids)
    note = f"（{year}年度の計画がない{missing}名は出力していません）" if missing else ""
    print(f"{where}: {len(sheets)}名分の学習計画書を書き出しました{note}。")
    return EXIT_OK


def _propose(args: argparse.Namespace, db: Database) -> int:
    from desktop.cli_diagnosis import learner_ids_for
    from desktop.store.plan_service import PlanService, PlanSettings

    year = args.fiscal_year or fiscal_year(date.today())
    today = date.today()
    # This 年度: start this month; another 年度: start in April.
    start = today if fiscal_year(today) == year else None
    settings = PlanSettings(year, args.hours, args.months, start)
    service = PlanService(db)
    _framework_id, _framework = service.frameworks.current()  # the bundled framework on a fresh database
    proposals = service.propose(learner_ids_for(db, args), settings)
    outcomes = service.save_drafts(proposals, settings)
    made = 0
    for entry, plan_id, outcome in outcomes:
        made += plan_id is not None
        print(f"{entry.summary()}{'' if plan_id is None and entry.proposal is None else '：' + outcome}")
    print(f"{year}年度: {len(outcomes)}名中 {made}名の学習計画（下書き）を保存しました。")
    return EXIT_OK
