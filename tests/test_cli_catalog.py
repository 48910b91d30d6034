"""catalog export/import: the headless contract (exit codes, stdout summary, stderr problems, nothing written)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest

from desktop.store.database import Database
from tests.store.test_catalog_service import NEW_ROW, stored, write_rows
from tests.test_cli_diagnosis import cli, url_of


def test_export_writes_each_format_the_name_asks_for(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, extra in (
        ("c.xlsx", []),
        ("c.csv", []),
        ("u.csv", ["--encoding", "utf-8-sig"]),
        ("c.json", []),
    ):
        code, out, err = cli(
            capsys, "--db", url_of(db), "catalog", "export", "--out", str(tmp_path / name), *extra
        )
        assert (code, err) == (0, "")
        assert out == f"{name}: 研修カタログ「自治体DX研修 標準カタログ」の講座 63件を書き出しました。\n"
    assert (tmp_path / "c.csv").read_bytes().startswith("コード,講座名".encode("cp932"))
    assert (tmp_path / "u.csv").read_bytes().startswith("\ufeffコード,講座名".encode())
    assert json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))["format"] == "manabi-catalog"
    workbook = openpyxl.load_workbook(tmp_path / "c.xlsx", read_only=True)
    try:
        assert workbook.sheetnames == ["研修カタログ", "説明"]
    finally:
        workbook.close()

    code, out, err = cli(capsys, "--db", url_of(db), "catalog", "export", "--out", str(tmp_path / "c.pdf"))
    assert (code, out) == (2, "") and err == "c.pdf: 書き出し先は .xlsx、.csv か .json にしてください。\n"


def test_import_replaces_the_catalogue_and_a_dry_run_only_tells(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = tmp_path / "c.csv"
    assert cli(capsys, "--db", url_of(db), "catalog", "export", "--out", str(exported))[0] == 0
    with exported.open(encoding="cp932", newline="") as file:
        rows = list(csv.reader(file))
    rows[1][6] = "初級"  # DX-101 was 入門
    path = write_rows(tmp_path / "new.csv", [*rows, NEW_ROW])
    before = stored(db)

    code, out, err = cli(capsys, "--db", url_of(db), "catalog", "import", str(path), "--dry-run")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "追加: NEW-1 新しい講座",
        "変更: DX-101 自治体職員のためのDXマインド入門（レベル）",
        "学習パス変更: 一般職員（必修 3→4件、推奨 5→5件）",
        "new.csv: （確認のみ・書き込みなし）講座 64件（追加 1・変更 1・削除 0）を取り込めます。学習パスが変わる役割: 一般職員。",
    ]
    assert stored(db) == before

    code, out, err = cli(capsys, "--db", url_of(db), "catalog", "import", str(path))
    assert (code, err) == (0, "")
    assert (
        out
        == "new.csv: 講座 64件（追加 1・変更 1・削除 0）を取り込みました。学習パスが変わる役割: 一般職員。\n"
    )
    assert stored(db)[:2] == (1, 64) and stored(db) != before


def test_a_bad_file_exits_2_with_one_line_per_problem_and_writes_nothing(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = tmp_path / "c.xlsx"
    assert cli(capsys, "--db", url_of(db), "catalog", "export", "--out", str(exported))[0] == 0
    workbook = openpyxl.load_workbook(exported)
    sheet = workbook["研修カタログ"]
    sheet["D3"] = "オンライン"
    sheet["J5"] = "はい"
    sheet.append(NEW_ROW)
    sheet.append(["DX-101", *NEW_ROW[1:]])
    workbook.save(exported)
    before = stored(db)

    for extra in ([], ["--dry-run"]):
        code, out, err = cli(capsys, "--db", url_of(db), "catalog", "import", str(exported), *extra)
        assert (code, out) == (2, "")
        assert err.splitlines() == [
            "c.xlsx:3: 実施方法: 「オンライン」は実施方法に使えません（通学・同時双方向・eラーニング・通信・定額制サービス のいずれか）。",
            "c.xlsx:5: 一般職員: 「はい」は使えません（必修・推奨・空欄のいずれか。パスの中の順番を決めるときは「必修1」「推奨2」のように番号を付けます）。",
            "c.xlsx:66: コード: 講座コード「DX-101」が 2 行目と 66 行目にあります（1つの講座に1行）。",
            "c.xlsx に 3 件の問題があるため、何も取り込みませんでした。",
        ]
        assert stored(db) == before


def test_unreadable_and_foreign_files_exit_2(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "none.csv"
    code, out, err = cli(capsys, "--db", url_of(db), "catalog", "import", str(missing))
    assert (code, out, err) == (2, "", "none.csv が見つかりません。\n")

    exported = tmp_path / "c.json"
    assert cli(capsys, "--db", url_of(db), "catalog", "export", "--out", str(exported))[0] == 0
    exported.write_text(
        exported.read_text(encoding="utf-8").replace('"municipal-dx"', '"other"', 1), encoding="utf-8"
    )
    code, out, err = cli(capsys, "--db", url_of(db), "catalog", "import", str(exported))
    assert (code, out) == (2, "")
    assert err == "c.json: このカタログは診断フレームワーク「other」用です（使用中は「municipal-dx」）。\n"
