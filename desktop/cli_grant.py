"""Headless 助成金 work: ``grant estimate`` (a JSON contract), rule files, plan list and sheets.

``grant estimate`` needs no database: it uses the bundled rule sets, plus the
ones loaded into the database when ``--db`` is given. Its options are read
here rather than by argparse so that every bad value gets a Japanese message
naming the option, and exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from desktop.domain.grant import (
    ESTIMATE_NOTICE,
    EstimateInputError,
    TraineeInput,
    TrainingTerms,
    estimate_plan,
    yen,
)
from desktop.domain.grant_rules import NoRuleSet, TrainingMethod, select_rule_set
from desktop.domain.roster import SizeClass
from desktop.store.database import Database
from desktop.store.errors import UserFacingError

if TYPE_CHECKING:
    from desktop.store.grant_rule_store import GrantRuleStore

T = TypeVar("T")

EXIT_OK = 0
MAX_TRAINEES = 10_000


class EstimateArgumentError(UserFacingError):
    pass


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    grant = commands.add_parser("grant", help="人材開発支援助成金").add_subparsers(
        dest="action", required=True
    )
    estimate = grant.add_parser("estimate", help="助成額の見込みを JSON で出す（データベース不要）")
    estimate.add_argument("--size", help="企業規模: sme（中小企業）| large（大企業）")
    estimate.add_argument(
        "--method", help="訓練方法: classroom | live-online | elearning | correspondence | subscription"
    )
    estimate.add_argument("--hours", help="訓練時間")
    estimate.add_argument("--fee", help="1人あたりの受講料（円）。定額制サービスは1か月あたり")
    estimate.add_argument("--start", help="訓練開始日 YYYY-MM-DD")
    estimate.add_argument("--months", help="定額制サービスの利用月数（整数、既定 1）")
    estimate.add_argument("--trainees", help="受講者数（既定 1）")
    estimate.add_argument("--wage-hours", help="1人あたりの賃金助成の対象時間（既定は訓練時間）")
    estimate.add_argument(
        "--prior-claims",
        help="定額制サービス: この受講者の今年度の申請済み回数（既定 0。上限を超えると notes で警告）",
    )

    rules = grant.add_parser("rules", help="助成金のルールファイル").add_subparsers(
        dest="rules_action", required=True
    )
    rules.add_parser("list", help="使えるルールセットの一覧")
    loaded = rules.add_parser("import", help="新しいルールファイル（JSON）を読み込む")
    loaded.add_argument("file", type=Path)

    listed = grant.add_parser("list", help="訓練計画の一覧（タブ区切り）")
    listed.add_argument("--establishment", help="事業所名")

    sheet = grant.add_parser("sheet", help="記入シート（PDF）または受講者一覧（Excel）を書き出す")
    sheet.add_argument("--plan", type=int, required=True, help="訓練計画の番号（grant list の1列目）")
    sheet.add_argument(
        "--kind",
        choices=["all", "summary", "trainees", "calculation"],
        default="all",
        help="PDF の種類（既定 all: 概要・受講者一覧・計算）",
    )
    sheet.add_argument("--out", type=Path, required=True, help="FILE.pdf、または受講者一覧の FILE.xlsx")


def needs_database(args: argparse.Namespace) -> bool:
    return args.action != "estimate" or args.db is not None


def run(args: argparse.Namespace, db: Database | None) -> int:
    from desktop.store.grant_rule_store import GrantRuleStore

    rules = GrantRuleStore(db)
    if args.action == "estimate":
        return _estimate(args, rules)
    assert db is not None
    if args.action == "rules":
        return _rules(args, rules)
    if args.action == "list":
        return _list(args, db, rules)
    return _sheet(args, db, rules)


def _estimate(args: argparse.Namespace, rules: GrantRuleStore) -> int:
    size = _choice(args.size, "--size", {size.value: size for size in SizeClass})
    method = _choice(args.method, "--method", {method.value: method for method in TrainingMethod})
    hours = _decimal(args.hours, "--hours", required=True)
    assert hours is not None
    if hours <= 0:
        raise EstimateArgumentError("--hours: 訓練時間は0より大きい数で指定してください。")
    fee = _integer(args.fee, "--fee", default=None, low=0)
    start = _date(args.start, "--start")
    months = _integer(args.months, "--months", default=1, low=1)
    trainees = _integer(args.trainees, "--trainees", default=1, low=1, high=MAX_TRAINEES)
    wage_hours = _decimal(args.wage_hours, "--wage-hours", required=False)
    prior_claims = _integer(args.prior_claims, "--prior-claims", default=0, low=0, high=1000)
    if wage_hours is not None and wage_hours < 0:
        raise EstimateArgumentError("--wage-hours: 0以上の数で指定してください。")
    if wage_hours is not None and wage_hours > hours:
        raise EstimateArgumentError("--wage-hours: 賃金助成の対象時間が訓練時間（--hours）を超えています。")
    try:
        rule = select_rule_set(rules.rule_sets(), start)
    except NoRuleSet as exc:
        raise EstimateArgumentError(f"--start: {exc}") from exc
    terms = TrainingTerms(size, method, hours, fee, start, Fraction(months))
    try:
        estimate = estimate_plan(
            rule,
            terms,
            [TraineeInput(f"{n}人目", wage_hours, prior_claims) for n in range(1, trainees + 1)],
        )
    except EstimateInputError as exc:
        raise EstimateArgumentError(str(exc)) from exc
    first = estimate.shares[0].estimate
    notes = [ESTIMATE_NOTICE, f"ルールセット: {rule.name}（{rule.id}）"]
    notes += [note for note in first.notes if note != first.reason]
    if method is TrainingMethod.SUBSCRIPTION and first.eligible:
        notes.append(f"定額制サービスの申請は1人につき年度{rule.subscription_claims_per_year}回までです。")
        if args.months is None:
            notes.append("--months の指定がないため、1か月として計算しました。")
    if method is not TrainingMethod.SUBSCRIPTION and args.months is not None:
        notes.append("--months は定額制サービスのときだけ使います（この計算には使っていません）。")
    notes += estimate.notes
    if estimate.cap_reached:
        notes.append(
            f"事業所の年度上限 {yen(estimate.annual_cap)} を適用しました（上限前 {yen(estimate.subtotal)}）。"
        )
    result = {
        "rule_set": rule.id,
        "eligible": first.eligible,
        "reason": first.reason,
        "per_trainee": {"expense": first.expense, "expense_cap": first.expense_cap, "wage": first.wage},
        "total": estimate.total,
        "notes": notes,
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return EXIT_OK


def _choice(text: str | None, option: str, known: dict[str, T]) -> T:
    if text is None:
        raise EstimateArgumentError(f"{option} を指定してください（{' | '.join(known)}）。")
    if text not in known:
        raise EstimateArgumentError(f"{option}: 「{text}」は指定できません（{' | '.join(known)} のどれか）。")
    return known[text]


def _decimal(text: str | None, option: str, *, required: bool) -> Decimal | None:
    if text is None:
        if required:
            raise EstimateArgumentError(f"{option} を指定してください。")
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise EstimateArgumentError(f"{option}: 「{text}」は数ではありません。") from exc
    if not value.is_finite() or abs(value) > Decimal(100_000):
        raise EstimateArgumentError(f"{option}: 「{text}」は時間として扱えません。")
    return value


def _integer(text: str | None, option: str, *, default: int | None, low: int, high: int | None = None) -> int:
    if text is None:
        if default is None:
            raise EstimateArgumentError(f"{option} を指定してください。")
        return default
    body = text[1:] if text.startswith("-") else text
    if not body.isascii() or not body.isdigit():
        raise EstimateArgumentError(f"{option}: 「{text}」は整数ではありません。")
    value = int(text)
    if value < low or (high is not None and value > high):
        bounds = f"{low}以上" + (f"{high}以下" if high is not None else "")
        raise EstimateArgumentError(f"{option}: {bounds}の整数で指定してください（{text}）。")
    return value


def _date(text: str | None, option: str) -> date:
    if text is None:
        raise EstimateArgumentError(f"{option} を指定してください（YYYY-MM-DD）。")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise EstimateArgumentError(f"{option}: 「{text}」は YYYY-MM-DD の日付ではありません。") from exc


def _rules(args: argparse.Namespace, rules: GrantRuleStore) -> int:
    if args.rules_action == "import":
        info = rules.load_file(args.file)
        print(f"読み込みました: {info.rule_set.id} {info.rule_set.name}（{info.rule_set.period_text}）")
        return EXIT_OK
    for info in rules.infos():
        rule = info.rule_set
        origin = "同梱" if info.bundled else f"読込: {info.source}"
        print(f"{rule.id}\t{rule.applies_from}\t{rule.applies_to}\t{rule.name}\t{origin}")
    return EXIT_OK


def _list(args: argparse.Namespace, db: Database, rules: GrantRuleStore) -> int:
    from desktop.store.grant_service import GrantService

    for view in GrantService(db, rules).plans(date.today()):
        if args.establishment and view.establishment != args.establishment:
            continue
        amount = str(view.estimate.total) if view.estimate else ""
        rule_id = view.estimate.rule_set.id if view.estimate else (view.problem or "")
        alert = view.alert.text if view.alert else ""
        print(
            f"{view.id}\t{view.establishment}\t{view.title}\t{view.start}\t{view.end}\t"
            f"{len(view.trainees)}\t{view.status.label}\t{amount}\t{rule_id}\t{alert}"
        )
    return EXIT_OK


def _sheet(args: argparse.Namespace, db: Database, rules: GrantRuleStore) -> int:
    from desktop.grant_printing import grant_sheet_data
    from desktop.store.grant_service import GrantService
    from desktop.store.import_common import current_user

    out: Path = args.out
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise EstimateArgumentError(f"--out: {out.name}: .pdf か .xlsx のファイル名にしてください。")
    data = grant_sheet_data(GrantService(db, rules), args.plan, date.today(), made_by=current_user())
    from desktop.domain.audit import AuditAction
    from desktop.store.audit_log import recorded_output

    if suffix == ".xlsx":
        from desktop.exchange.grant_trainees_file import write_trainee_list_xlsx
        from desktop.exchange.tabular import TableFileError

        try:
            with recorded_output(
                db,
                AuditAction.EXPORT,
                f"助成金の受講者一覧 {data.title}",
                people=len(data.trainees),
                target=str(out),
            ):
                write_trainee_list_xlsx(out, data)
        except TableFileError as exc:
            print(str(exc), file=sys.stderr)
            return 2
    else:
        from desktop.reports.grant_sheet_data import SheetKind
        from desktop.reports.grant_sheets import write_grant_sheets
        from desktop.reports.pdf_common import PdfError

        kinds = tuple(SheetKind) if args.kind == "all" else (SheetKind(args.kind),)
        try:
            with recorded_output(
                db,
                AuditAction.PRINT,
                f"助成金の記入シート {data.title}",
                people=len(data.trainees),
                target=str(out),
            ):
                write_grant_sheets(out, data, kinds)
        except PdfError as exc:
            print(str(exc), file=sys.stderr)
            return 2
    print(f"書き出しました: {out}")
    return EXIT_OK
