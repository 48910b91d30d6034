"""roster import/export, records import-udemy and imports: the headless contract.

Exit 0 with a one-line summary; exit 2 with FILE:LINE: column: reason lines on
stderr and nothing written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from desktop.__main__ import main
from desktop.store.column_mappings import ColumnMappings
from desktop.store.database import Database, open_database
from desktop.store.migrate import prepare_database
from desktop.store.roster_service import RosterService

ROOT = Path(__file__).resolve().parents[1]
UGLY_ROSTER = [
    "社員番号,漢字氏名,ふりがな,所属,職名,メール,生年月日,区分,団体名",
    "0001,髙橋　①郎,ﾀｶﾊｼ ｲﾁﾛｳ,総務部/人事課,主事,taka@example.lg.jp,S60.4.1,行政職員,㈱みらい",
    '0002,"山﨑 花子",やまざき　はなこ,"企画課",主任,hana@example.lg.jp,令和元年5月1日,,㈱みらい',
    '0003,"佐藤, 次郎","サトウ',
    'ジロウ",企画課,,,H1.1.8,,㈱みらい',
    "0004,鈴木 一,スズキ ハジメ,,,,平成31年4月30日,企業従業員,となり町",
    ",,,,,,,,",
    "",
]


def url_of(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


def write(path: Path, lines: list[str], encoding: str = "cp932") -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_roster_round_trip_gives_the_same_file(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path / "ugly.csv", UGLY_ROSTER)
    code, out, err = cli(capsys, "--db", url_of(db), "roster", "import", str(source))
    assert code == 0, err
    assert (
        out.strip() == "ugly.csv: 新規 4件、更新 0件、変更なし 0件、退職 0件を取り込みました（取込番号 1）。"
    )
    first = tmp_path / "first.csv"
    assert cli(capsys, "--db", url_of(db), "roster", "export", str(first))[0] == 0
    exported = first.read_bytes().decode("cp932").splitlines()
    assert (
        "㈱みらい,0001,髙橋　①郎,タカハシ　イチロウ,総務部／人事課,主事,taka@example.lg.jp,行政職員,,在籍,1985-04-01,,"
        in exported
    )
    assert '㈱みらい,0003,"佐藤,　次郎",サトウ　ジロウ,企画課,,,行政職員,,在籍,1989-01-08,,' in exported

    fresh = tmp_path / "fresh.sqlite"
    assert cli(capsys, "--db", str(fresh), "roster", "import", str(first))[0] == 0
    second = tmp_path / "second.csv"
    assert cli(capsys, "--db", str(fresh), "roster", "export", str(second))[0] == 0
    assert second.read_bytes() == first.read_bytes()


def test_xlsx_round_trip_and_libreoffice_reads_the_export(
    sqlite_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path / "ugly.csv", UGLY_ROSTER)
    assert cli(capsys, "--db", url_of(sqlite_db), "roster", "import", str(source))[0] == 0
    first = tmp_path / "first.xlsx"
    assert cli(capsys, "--db", url_of(sqlite_db), "roster", "export", str(first))[0] == 0
    fresh = tmp_path / "fresh.sqlite"
    assert cli(capsys, "--db", str(fresh), "roster", "import", str(first))[0] == 0
    second = tmp_path / "second.xlsx"
    assert cli(capsys, "--db", str(fresh), "roster", "export", str(second))[0] == 0

    def cells(path: Path) -> list[tuple[object, ...]]:
        workbook = openpyxl.load_workbook(path, read_only=True)
        try:
            return list(workbook.active.iter_rows(values_only=True))
        finally:
            workbook.close()

    assert cells(first) == cells(second)
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("LibreOffice (soffice) is required in CI")
        pytest.skip("LibreOffice is not installed")
    outdir = tmp_path / "lo"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(outdir),
            str(first),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    text = (outdir / "first.csv").read_text(encoding="utf-8")
    assert "髙橋　①郎" in text and "1985/04/01" in text


def test_bad_rows_exit_2_with_one_line_each_and_nothing_written(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(
        tmp_path / "bad.csv",
        [
            "職員番号,氏名,フリガナ,生年月日,団体名",
            "1,山田 太郎,ヤマダ タロウ,2023/2/30,みらい市",
            "2,,ヤマダ ハナコ,昭和64年1月8日,みらい市",
            "3,田中 一,たなか1,,みらい市",
        ],
    )
    code, out, err = cli(capsys, "--db", url_of(db), "roster", "import", str(bad))
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert lines[:4] == [
        "bad.csv:2: 生年月日: 2023年2月30日は存在しない日付です。",
        "bad.csv:3: 氏名: 氏名を入力してください。",
        "bad.csv:3: 生年月日: 昭和64年1月8日は存在しません（昭和は64年1月7日まで）。",
        "bad.csv:4: フリガナ: フリガナはカタカナ（またはひらがな）で入力してください。",
    ]
    assert RosterService(db).count() == 0


def test_dry_run_writes_nothing(
    sqlite_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path / "ugly.csv", UGLY_ROSTER)
    code, out, _ = cli(capsys, "--db", url_of(sqlite_db), "roster", "import", str(source), "--dry-run")
    assert code == 0
    assert "新規 4件" in out and "確認のみ" in out
    assert RosterService(sqlite_db).count() == 0


def test_org_encoding_sheet_and_saved_mapping(
    sqlite_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "表紙"
    workbook.active.append(["この名簿は…"])
    sheet = workbook.create_sheet("名簿")
    sheet.append(["No", "Full name", "Kana", "Mail"])
    sheet.append(["7", "木村 拓", "キムラ タク", "kimura@example.lg.jp"])
    path = tmp_path / "hr.xlsx"
    workbook.save(path)
    ColumnMappings(sqlite_db).save(
        "人事システム", {"number": "No", "name": "Full name", "furigana": "Kana", "email": "Mail"}
    )
    code, _out, err = cli(
        capsys,
        "--db", url_of(sqlite_db), "roster", "import", str(path),
        "--sheet", "名簿", "--mapping", "人事システム", "--org", "みらい市",
    )  # fmt: skip
    assert code == 0, err
    row = RosterService(sqlite_db).roster_rows()[0]
    assert (row.organization, row.number, row.email) == ("みらい市", "7", "kimura@example.lg.jp")

    code, _, err = cli(capsys, "--db", url_of(sqlite_db), "roster", "import", str(path), "--sheet", "無い")
    assert code == 2 and "表紙" in err and "名簿" in err
    code, _, err = cli(
        capsys, "--db", url_of(sqlite_db), "roster", "import", str(path), "--mapping", "未保存"
    )
    assert code == 2 and "人事システム" in err
    utf8 = write(tmp_path / "u.csv", ["職員番号,氏名,フリガナ", "8,髙木 一,タカギ ハジメ"], encoding="utf-8")
    code, _, err = cli(
        capsys, "--db", url_of(sqlite_db), "roster", "import", str(utf8), "--encoding", "Shift_JIS"
    )
    assert code == 2 and "u.csv" in err


def test_export_refuses_a_character_cp932_cannot_hold(
    sqlite_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(
        tmp_path / "u.csv", ["職員番号,氏名,フリガナ,団体名", "1,𠮷田 太郎,ヨシダ タロウ,みらい市"], "utf-8"
    )
    assert cli(capsys, "--db", url_of(sqlite_db), "roster", "import", str(source))[0] == 0
    out = tmp_path / "out.csv"
    code, _, err = cli(capsys, "--db", url_of(sqlite_db), "roster", "export", str(out))
    assert code == 2 and "𠮷" in err and not out.exists()
    assert (
        cli(capsys, "--db", url_of(sqlite_db), "roster", "export", str(out), "--encoding", "utf-8-sig")[0]
        == 0
    )
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_udemy_import_and_undo(
    sqlite_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = write(
        tmp_path / "r.csv",
        ["職員番号,氏名,フリガナ,メール,団体名", "1,山田 太郎,ヤマダ タロウ,taro@example.lg.jp,みらい市"],
    )
    assert cli(capsys, "--db", url_of(sqlite_db), "roster", "import", str(roster))[0] == 0
    report = tmp_path / "uca.csv"
    report.write_text(
        "user_email,course_id,course_title,completion_ratio,num_video_consumed_minutes,course_completion_date\n"
        "TARO@example.lg.jp,1,Excel入門,100,90,2025-05-01T10:00:00Z\n"
        "ghost@example.lg.jp,1,Excel入門,100,90,2025-05-01T10:00:00Z\n",
        encoding="utf-8",
    )
    code, out, err = cli(capsys, "--db", url_of(sqlite_db), "records", "import-udemy", str(report))
    assert code == 0
    assert "新規 1件" in out and "照合できない行 1件" in out
    assert err.splitlines() == [
        "uca.csv:3: 受講者: ghost@example.lg.jp は名簿にいません（メールアドレス・外部IDで照合できません）。"
    ]
    code, out, _ = cli(capsys, "--db", url_of(sqlite_db), "imports", "list")
    assert code == 0 and "Udemy コース別実績" in out and "uca.csv" in out
    code, out, _ = cli(capsys, "--db", url_of(sqlite_db), "imports", "undo", "2")
    assert code == 0 and "取り消しました" in out


def test_a_hundred_thousand_row_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = ["職員番号,氏名,フリガナ,所属,メールアドレス,生年月日,団体名"]
    lines += [
        f"{n:06d},山田 太郎{n},ﾔﾏﾀﾞ ﾀﾛｳ,課{n % 40},u{n}@example.lg.jp,S{40 + n % 20}.{1 + n % 12}.{1 + n % 28},みらい市"
        for n in range(100_000)
    ]
    path = write(tmp_path / "big.csv", lines)
    target = tmp_path / "big.sqlite"
    code, out, err = cli(capsys, "--db", str(target), "roster", "import", str(path))
    assert code == 0, err
    assert "新規 100000件" in out
    db = open_database(target)
    try:
        prepare_database(db)
        assert RosterService(db).count() == 100_000
    finally:
        db.dispose()


def test_the_contract_as_a_separate_process(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.csv", ["職員番号,氏名,フリガナ,団体名", "1,,ヤマダ,みらい市"])
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "--db", str(tmp_path / "x.sqlite"), "roster", "import", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == "bad.csv:2: 氏名: 氏名を入力してください。"
