"""Headless commands. Never imports PySide6 at module level: batch work starts fast
and runs where there is no screen (``selftest`` alone loads Qt, on purpose, to
prove that a frozen bundle can still draw its window)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from desktop import APP_NAME, __version__
from desktop.store.errors import UserFacingError

if TYPE_CHECKING:
    from desktop.store.database import Database

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="manabi",
        description=f"{APP_NAME}: 自治体のDXリスキリング事業のための受講者・研修台帳",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH|URL",
        help="開くデータベース（SQLite ファイルのパス、または postgresql://… の URL）",
    )
    parser.add_argument(
        "--user",
        metavar="LOGIN",
        help="サインインを使うデータベースで、操作する利用者のログイン名（パスワードは入力するか MANABI_PASSWORD で渡す）",
    )
    parser.add_argument(
        "--demo", action="store_true", help="デモ用の名簿を入れた使い捨てのデータベースで開く"
    )
    parser.add_argument(
        "--page",
        choices=["home", "roster", "diagnosis", "plans", "records", "grants", "exports", "settings"],
        help="最初に表示するページ",
    )
    # For bench/ and tests: quit once the window is shown (before the database
    # opens), or once the first page shows its data.
    parser.add_argument("--quit-after-window", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--quit-after-show", action="store_true", help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    selftest = commands.add_parser("selftest", help="一時データベースで動作確認をして終了する")
    selftest.add_argument("--no-gui", action="store_true", help="画面部品の確認を省く")
    from desktop import cli_backup, cli_catalog, cli_diagnosis, cli_exchange, cli_export, cli_grant, cli_plan

    cli_exchange.add_commands(commands)
    cli_diagnosis.add_commands(commands)
    cli_plan.add_commands(commands)
    cli_catalog.add_commands(commands)
    cli_grant.add_commands(commands)
    cli_export.add_commands(commands)
    cli_backup.add_commands(commands)
    return parser


def run_command(args: argparse.Namespace) -> int:
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "selftest": _selftest,
        "roster": _with_database,
        "records": _with_database,
        "imports": _with_database,
        "diagnosis": _with_database,
        "framework": _with_database,
        "plan": _with_database,
        "catalog": _with_database,
        "grant": _grant,
        "export": _with_database,
        "backup": _backup,
        "restore": _backup,
    }
    try:
        return handlers[args.command](args)
    except UserFacingError as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception:
        import traceback

        traceback.print_exc()
        return EXIT_INTERNAL


def _with_database(args: argparse.Namespace) -> int:
    from desktop import cli_exchange
    from desktop.store.database import open_database
    from desktop.store.migrate import prepare_database

    db = open_database(args.db)
    try:
        prepare_database(db)
        sign_in_for_command(args, db)
        if args.command in ("diagnosis", "framework"):
            from desktop import cli_diagnosis

            return cli_diagnosis.run(args, db)
        if args.command == "plan":
            from desktop import cli_plan

            return cli_plan.run(args, db)
        if args.command == "grant":
            from desktop import cli_grant

            return cli_grant.run(args, db)
        if args.command == "export":
            from desktop import cli_export

            return cli_export.run(args, db)
        if args.command == "catalog":
            from desktop import cli_catalog

            return cli_catalog.run(args, db)
        return cli_exchange.run(args, db)
    finally:
        db.dispose()


def sign_in_for_command(args: argparse.Namespace, db: Database) -> None:
    """A database that signs people in asks the same of a command: --user, and the password."""
    import getpass
    import os

    from desktop.domain.accounts import AuthMode
    from desktop.store.account_service import AccountService, auth_mode, sign_in_as
    from desktop.store.errors import SignInError

    if auth_mode(db) is not AuthMode.SIGN_IN:
        return
    login = getattr(args, "user", None)
    if not login:
        raise SignInError(
            "このデータベースはサインインが必要です。--user ログイン名 を付けて実行してください"
            "（パスワードは入力を求めます。環境変数 MANABI_PASSWORD でも渡せます）。"
        )
    password = os.environ.get("MANABI_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise SignInError("パスワードを入力できません。環境変数 MANABI_PASSWORD で渡してください。")
        password = getpass.getpass("パスワード: ")
    sign_in_as(db, AccountService(db).sign_in(login, password))


def _backup(args: argparse.Namespace) -> int:
    from desktop import cli_backup

    return cli_backup.run(args)


def _grant(args: argparse.Namespace) -> int:
    from desktop import cli_grant

    if not cli_grant.needs_database(args):
        return cli_grant.run(args, None)
    return _with_database(args)


def _selftest_sign_in(db: Database, check: Callable[[bool, str], None]) -> None:
    """scrypt comes from the bundled OpenSSL: a bundle without it could not sign anybody in."""
    from sqlalchemy import func, select

    from desktop.store.account_service import AccountService
    from desktop.store.models import AuditEntry

    accounts = AccountService(db)
    accounts.create_first_admin("selftest", "セルフテスト", "selftest-pass-1")
    check(
        accounts.sign_in("selftest", "selftest-pass-1").login == "selftest",
        "a first 管理者 signed in (scrypt)",
    )
    with db.transaction() as session:
        entries = int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)
    check(entries >= 3, f"the audit log has the learner, the user and the sign-in ({entries} entries)")


def _selftest(args: argparse.Namespace) -> int:
    import tempfile

    from desktop.domain.roster import LearnerDraft, LearnerKind
    from desktop.domain.text import fold_for_search
    from desktop.resources import form_path, resource_path
    from desktop.store.database import open_database
    from desktop.store.migrate import head_revision, prepare_database
    from desktop.store.roster_service import RosterService

    def check(condition: bool, what: str) -> None:
        if not condition:
            raise RuntimeError(f"selftest failed: {what}")
        print(f"  ok  {what}")

    print(f"{APP_NAME} {__version__} selftest")
    fonts = sorted(p.name for p in resource_path("fonts").glob("*.ttf"))
    check(bool(fonts) and resource_path("fonts", "OFL.txt").is_file(), f"fonts bundled with licence: {fonts}")
    check(form_path("main_window.ui").is_file(), "forms bundled")

    with tempfile.TemporaryDirectory(prefix="manabi-selftest-") as folder:
        db = open_database(Path(folder) / "selftest.sqlite")
        try:
            report = prepare_database(db)
            check(report.to_revision == head_revision(), f"migrated a new database to {report.to_revision}")
            service = RosterService(db)
            draft = LearnerDraft(
                organization_id=None,
                organization_name="セルフテスト市",
                number="ST-0001",
                name="山田　太郎",
                furigana="やまだ たろう",
                email="taro@example.lg.jp",
                kind=LearnerKind.STAFF,
            )
            created = service.create_learner(draft)
            row = service.roster_row(created.id)
            check(row.furigana == "ヤマダ\u3000タロウ", "wrote and read a learner back")
            check(fold_for_search("ﾔﾏﾀﾞ") in fold_for_search(row.furigana), "search folding")
            _selftest_sign_in(db, check)
            _selftest_files(Path(folder), db, check)
            if not args.no_gui:
                from desktop.ui.selfcheck import check_gui, check_pdf, check_printing

                check(check_gui(db, expected_rows=2), "window built and the 名簿 page showed the learner")
                check(check_pdf(Path(folder)), "QtPdf loaded a PDF and rendered page 1")
                check(check_printing(Path(folder)), "QtPrintSupport printed page 1 to a PDF that reads back")
        finally:
            db.dispose()
    print("selftest: OK")
    return EXIT_OK


def _selftest_files(folder: Path, db: Database, check: Callable[[bool, str], None]) -> None:
    """The file paths a bundle must carry: codecs, csv, openpyxl both ways."""
    from desktop.exchange.tabular import open_table, write_xlsx
    from desktop.store.roster_import import RosterImporter, RosterImportOptions, RosterSource

    roster = folder / "selftest.csv"
    roster.write_bytes(
        "職員番号,氏名,フリガナ,団体名\r\nST-0002,髙橋　①郎,ﾀｶﾊｼ ｲﾁﾛｳ,セルフテスト市\r\n".encode("cp932")
    )
    result = RosterImporter(db, user_name="selftest").run(RosterSource(roster), RosterImportOptions())
    check(result.created == 1, "imported a CP932 roster file")
    workbook = folder / "selftest.xlsx"
    write_xlsx(workbook, ["氏名"], [["髙橋　①郎"]], sheet_title="名簿")
    _, rows = open_table(workbook)
    check(list(rows) == [(2, ["髙橋　①郎"])], "wrote and read back an xlsx file")
    _selftest_grant(check)


def _selftest_grant(check: Callable[[bool, str], None]) -> None:
    """The bundled grant rule files load, and an estimate comes out as the pamphlet says."""
    from datetime import date
    from decimal import Decimal

    from desktop.domain.grant import TrainingTerms, estimate_trainee
    from desktop.domain.grant_rules import TrainingMethod, select_rule_set
    from desktop.domain.roster import SizeClass
    from desktop.store.grant_rule_store import bundled_rule_sets

    rule = select_rule_set(bundled_rule_sets(), date(2025, 4, 1))
    terms = TrainingTerms(SizeClass.SME, TrainingMethod.CLASSROOM, Decimal(24), 88_000, date(2025, 4, 1))
    estimate = estimate_trainee(rule, terms)
    # 88,000 × 75% + 24 h × 1,000 yen
    check(estimate.total == 90_000, f"grant rules bundled ({len(bundled_rule_sets())} rule sets) and applied")
