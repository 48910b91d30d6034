"""Headless submission exports: ``export procurement|records|effect --out FILE.xlsx``.

Everything a bad command line can get wrong (the file name, the 団体, the
年度, a folder that does not exist) is checked before the database is read, so
exit 2 never leaves a file behind; the write itself goes through a ``.part``
file renamed into place, so a failure halfway leaves nothing either.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from desktop.domain.dates import fiscal_year
from desktop.store.database import Database
from desktop.store.errors import UserFacingError

EXIT_OK = 0
KINDS = {  # the same as desktop.submission_exports.KINDS, kept here so --help needs no store import
    "procurement": "共同調達 利用者一覧",
    "records": "研修実績一覧",
    "effect": "効果検証報告",
}


class ExportArgumentError(UserFacingError):
    pass


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.add_parser("export", help="提出用の Excel を書き出す")
    export.add_argument(
        "kind",
        choices=list(KINDS),
        help="procurement（共同調達 利用者一覧）| records（研修実績一覧）| effect（効果検証報告）",
    )
    export.add_argument("--out", type=Path, required=True, help="書き出し先（.xlsx）")
    export.add_argument("--fiscal-year", type=int, help="年度（西暦、既定は今日の年度）")
    export.add_argument("--org", help="団体名（既定はすべての団体）")
    export.add_argument("--wareki", action="store_true", help="日付を和暦（令和7年4月1日）で表示する")


def run(args: argparse.Namespace, db: Database) -> int:
    from desktop.store.submission_views import organization_id_by_name
    from desktop.submission_exports import write_export

    out = _checked_out(args.out)
    year = args.fiscal_year or fiscal_year(date.today())
    if not 2000 <= year <= 2100:
        raise ExportArgumentError(f"--fiscal-year: 年度は西暦で指定してください（例: 2025）: {year}")
    organization_id = None
    if args.org:
        organization_id = organization_id_by_name(db, args.org)
        if organization_id is None:
            raise ExportArgumentError(f"--org: 団体「{args.org}」は登録されていません。")
    summary = write_export(db, args.kind, out, year, organization_id, args.org, wareki=args.wareki)
    print(f"{out.name}: {year}年度の{KINDS[args.kind]}を書き出しました（{summary}）。")
    return EXIT_OK


def _checked_out(out: Path) -> Path:
    if out.suffix.lower() != ".xlsx":
        raise ExportArgumentError(f"--out: 出力先は .xlsx のファイルにしてください: {out.name}")
    if out.is_dir():
        raise ExportArgumentError(f"--out: {out} はフォルダです。ファイル名（.xlsx）を指定してください。")
    if not out.parent.is_dir():
        raise ExportArgumentError(f"--out: フォルダ {out.parent} がありません。")
    return out
