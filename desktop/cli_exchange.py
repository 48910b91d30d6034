"""Headless import and export: ``roster import|export``, ``records import-udemy``, ``imports``.

Exit 0 with a one-line summary; exit 2 with ``FILE:LINE: column: reason`` lines
on stderr and nothing written; 1 on an internal error (cli.run_command).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.store.database import Database
from desktop.store.import_common import ImportRejected

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    roster = commands.add_parser("roster", help="名簿の取込・出力").add_subparsers(
        dest="action", required=True
    )
    roster_import = roster.add_parser("import", help="CSV/XLSX の名簿を取り込む（全件取込か、何もしないか）")
    roster_import.add_argument("file", type=Path)
    roster_import.add_argument("--dry-run", action="store_true", help="確認だけして何も書き込まない")
    roster_import.add_argument("--encoding", help="文字コード（cp932, utf-8, utf-8-sig）。省略時は自動判定")
    roster_import.add_argument("--sheet", help="XLSX のシート名（省略時は先頭のシート）")
    roster_import.add_argument("--mapping", help="保存した列の割り当ての名前")
    roster_import.add_argument("--org", help="団体名の列がない行の取り込み先の団体")
    roster_import.add_argument(
        "--retire-missing", action="store_true", help="ファイルにない受講者を退職にする"
    )
    roster_import.add_argument("--valid-only", action="store_true", help="エラーの行を除いて取り込む")
    roster_export = roster.add_parser("export", help="名簿を CSV/XLSX に書き出す（取込と同じ見出し）")
    roster_export.add_argument("file", type=Path)
    roster_export.add_argument(
        "--encoding", default="cp932", help="CSV の文字コード: cp932（既定）か utf-8-sig"
    )

    records = commands.add_parser("records", help="受講記録").add_subparsers(dest="action", required=True)
    udemy = records.add_parser("import-udemy", help="Udemy Business の実績レポート（CSV）を取り込む")
    udemy.add_argument("file", type=Path)
    udemy.add_argument("--dry-run", action="store_true", help="確認だけして何も書き込まない")
    udemy.add_argument("--encoding", help="文字コード。省略時は自動判定")
    udemy.add_argument("--valid-only", action="store_true", help="エラーの行を除いて取り込む")

    imports = commands.add_parser("imports", help="取込履歴").add_subparsers(dest="action", required=True)
    imports.add_parser("list", help="取込履歴を表示する")
    undo = imports.add_parser("undo", help="取込を丸ごと取り消す")
    undo.add_argument("batch_id", type=int)


def run(args: argparse.Namespace, db: Database) -> int:
    handlers = {
        ("roster", "import"): _roster_import,
        ("roster", "export"): _roster_export,
        ("records", "import-udemy"): _import_udemy,
        ("imports", "list"): _imports_list,
        ("imports", "undo"): _imports_undo,
    }
    try:
        return handlers[(args.command, args.action)](args, db)
    except ImportRejected as rejected:
        return print_rejected(rejected)


def print_rejected(rejected: ImportRejected) -> int:
    """Every problem as FILE:LINE: column: reason, then the one-line verdict; exit 2."""
    for problem in rejected.problems:
        print(problem.format(rejected.file_name), file=sys.stderr)
    print(rejected.message.splitlines()[0], file=sys.stderr)
    return EXIT_BAD_INPUT


def _roster_import(args: argparse.Namespace, db: Database) -> int:
    from desktop.exchange.columns import resolve_saved_mapping
    from desktop.exchange.tabular import open_table
    from desktop.store.column_mappings import ColumnMappings
    from desktop.store.errors import ValidationFailed
    from desktop.store.import_common import file_errors
    from desktop.store.roster_import import RosterImporter, RosterImportOptions, RosterSource

    source = RosterSource(args.file, encoding=args.encoding, sheet=args.sheet)
    if args.mapping:
        saved = ColumnMappings(db).load(args.mapping)
        with file_errors():
            table, rows = open_table(args.file, encoding=args.encoding, sheet=args.sheet)
            close = getattr(rows, "close", None)
            if close is not None:
                close()
        source.mapping, missing = resolve_saved_mapping(saved, table.headers)
        if missing:
            raise ValidationFailed(
                [
                    (
                        "mapping",
                        f"{args.file.name}: 割り当て「{args.mapping}」の列 {'、'.join(missing)} がファイルにありません。",
                    )
                ]
            )
    options = RosterImportOptions(
        default_organization=args.org, retire_missing=args.retire_missing, valid_rows_only=args.valid_only
    )
    importer = RosterImporter(db)
    if args.dry_run:
        preview = importer.preview(source, options)
        for problem in preview.problems:
            print(problem.format(preview.file_name), file=sys.stderr)
        print(preview.summary() + "（確認のみ・書き込みなし）")
        return EXIT_BAD_INPUT if preview.problems and not args.valid_only else EXIT_OK
    result = importer.run(source, options)
    print(result.summary())
    return EXIT_OK


def _roster_export(args: argparse.Namespace, db: Database) -> int:
    from desktop.domain.audit import AuditAction
    from desktop.exchange.roster_file import EXPORT_HEADERS, export_cells
    from desktop.exchange.tabular import write_csv, write_xlsx
    from desktop.store.audit_log import recorded_output
    from desktop.store.errors import ValidationFailed
    from desktop.store.import_common import file_errors
    from desktop.store.roster_export import export_learners

    learners = export_learners(db)
    rows = (export_cells(learner) for learner in learners)
    suffix = args.file.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValidationFailed([("file", f"{args.file.name}: 出力先は .csv か .xlsx にしてください。")])
    with (
        recorded_output(db, AuditAction.EXPORT, "名簿", people=len(learners), target=str(args.file)),
        file_errors(),
    ):
        if suffix == ".csv":
            count = write_csv(args.file, EXPORT_HEADERS, rows, encoding=args.encoding)
        else:
            count = write_xlsx(args.file, EXPORT_HEADERS, rows, sheet_title="名簿")
    print(f"{args.file.name}: {count}人の名簿を書き出しました。")
    return EXIT_OK


def _import_udemy(args: argparse.Namespace, db: Database) -> int:
    from desktop.store.udemy_import import UdemyImporter

    importer = UdemyImporter(db)
    if args.dry_run:
        outcome = importer.preview(args.file, args.encoding)
        for problem in outcome.problems:
            print(problem.format(outcome.file_name), file=sys.stderr)
    else:
        outcome = importer.run(args.file, args.encoding, valid_rows_only=args.valid_only)
    for line in outcome.unmatched_lines():
        print(line, file=sys.stderr)
    if outcome.unmatched_count > len(outcome.unmatched):
        print(
            f"ほか {outcome.unmatched_count - len(outcome.unmatched)} 行も照合できませんでした。",
            file=sys.stderr,
        )
    print(outcome.summary())
    return EXIT_BAD_INPUT if args.dry_run and outcome.problems and not args.valid_only else EXIT_OK


def _imports_list(args: argparse.Namespace, db: Database) -> int:
    from desktop.store.import_history import ImportHistory

    for batch in ImportHistory(db).batches():
        undone = f"  取消済み {batch.undone_at:%Y-%m-%d %H:%M}" if batch.undone_at else ""
        print(
            f"{batch.id}\t{batch.created_at:%Y-%m-%d %H:%M}\t{batch.kind.label}\t{batch.file_name}\t"
            f"{batch.counts_text}\t{batch.user_name}{undone}"
        )
    return EXIT_OK


def _imports_undo(args: argparse.Namespace, db: Database) -> int:
    from desktop.store.import_history import ImportHistory

    print(ImportHistory(db).undo(args.batch_id))
    return EXIT_OK
