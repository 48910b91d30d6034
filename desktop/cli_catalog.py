"""Headless catalogue work: ``catalog export|import`` for the framework in use.

Exit 0 with a one-line summary; exit 2 with ``FILE:LINE: column: reason`` lines
on stderr and nothing written (cli_exchange.print_rejected). ``--dry-run``
checks the file and lists what would change, one line each, before the summary.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop.store.database import Database
from desktop.store.import_common import ImportRejected

EXIT_OK = 0


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    catalog = commands.add_parser(
        "catalog", help="研修カタログと学習パス（使用中の診断フレームワーク）"
    ).add_subparsers(dest="action", required=True)
    exported = catalog.add_parser("export", help="研修カタログを Excel/CSV/JSON に書き出す")
    exported.add_argument("--out", type=Path, required=True, help="書き出し先（.xlsx、.csv か .json）")
    exported.add_argument(
        "--encoding", default="cp932", choices=["cp932", "utf-8-sig"], help="CSV の文字コード（既定 cp932）"
    )
    imported = catalog.add_parser(
        "import", help="Excel/CSV/JSON の研修カタログで使用中のカタログを置き換える（全件か、何もしないか）"
    )
    imported.add_argument("file", type=Path)
    imported.add_argument(
        "--dry-run", action="store_true", help="確認して変わる点を表示するだけで、何も書き込まない"
    )


def run(args: argparse.Namespace, db: Database) -> int:
    from desktop.cli_exchange import print_rejected

    try:
        return _export(args, db) if args.action == "export" else _import(args, db)
    except ImportRejected as rejected:
        return print_rejected(rejected)


def _export(args: argparse.Namespace, db: Database) -> int:
    from desktop.store.catalog_service import CatalogService
    from desktop.store.framework_service import FrameworkService

    _id, framework = FrameworkService(db).current()
    catalog = CatalogService(db).export_file(framework, args.out, encoding=args.encoding)
    print(f"{args.out.name}: 研修カタログ「{catalog.name}」の講座 {len(catalog.courses)}件を書き出しました。")
    return EXIT_OK


def _import(args: argparse.Namespace, db: Database) -> int:
    from desktop.store.catalog_service import CatalogService
    from desktop.store.framework_service import FrameworkService

    _id, framework = FrameworkService(db).current()
    result = CatalogService(db).import_catalog(args.file, framework, dry_run=args.dry_run)
    if args.dry_run:
        for line in result.changes.lines():
            print(line)
    print(f"{args.file.name}: {result.summary()}")
    return EXIT_OK
