"""The catalogue as an Excel/CSV table: round trips, the file's forms, and every kind of bad input."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.domain.catalog import (
    Catalog,
    CatalogCourse,
    CourseLevel,
    DeliveryMethod,
    LearningPath,
    Provider,
    catalog_from_data,
)
from desktop.domain.framework import Framework
from desktop.exchange.catalog_file import (
    CATALOG_SHEET,
    GUIDE_SHEET,
    HEADERS,
    CatalogFileRejected,
    read_catalog_table,
    write_catalog_table,
)
from desktop.resources import resource_path
from desktop.store.framework_service import bundled_framework

ROLES = ["一般職員", "事業系デジタル人材", "ICT系デジタル人材", "DX推進リーダー"]
HEADER = [*HEADERS, *ROLES]
GOOD = ["X-1", "講座いち", "集合研修", "通学", "6", "0", "初級", "データ", "", "必修", "", "", ""]


@pytest.fixture(scope="module")
def framework() -> Framework:
    return bundled_framework()


@pytest.fixture(scope="module")
def bundled(framework: Framework) -> Catalog:
    data = json.loads(resource_path("catalogs", "default_catalog.json").read_text(encoding="utf-8"))
    return catalog_from_data(
        data, "bundled", [c.id for c in framework.categories], [r.id for r in framework.roles]
    )


def write_rows(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as file:
        csv.writer(file, lineterminator="\r\n").writerows(rows)
    return path


def read(path: Path, framework: Framework) -> Catalog:
    return read_catalog_table(path, framework, name="取込テスト", description="説明文")


def problems(path: Path, framework: Framework) -> list[str]:
    with pytest.raises(CatalogFileRejected) as rejected:
        read(path, framework)
    return [f"{p.line}: {p.column}: {p.reason}" for p in rejected.value.problems]


# --- round trips --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "encoding"), [("c.xlsx", "cp932"), ("c.csv", "cp932"), ("u.csv", "utf-8-sig")]
)
def test_the_bundled_catalogue_comes_back_the_same(
    framework: Framework, bundled: Catalog, tmp_path: Path, name: str, encoding: str
) -> None:
    path = tmp_path / name
    assert write_catalog_table(bundled, framework, path, encoding=encoding) == len(bundled.courses) == 63
    back = read_catalog_table(path, framework, name=bundled.name, description=bundled.description)
    assert back == bundled
    if name.endswith(".csv"):
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
        text = raw.decode(encoding)
        assert text.startswith(",".join(HEADER) + "\r\n")
        # The bundled paths do not follow the row order: the marks carry their place.
        assert "\r\nDX-101,自治体職員のためのDXマインド入門,内製eラーニング,eラーニング,2,0,入門," in text
        assert text.splitlines()[1].endswith(",推奨1,推奨2,推奨2,")


def test_a_path_in_row_order_is_written_without_numbers(framework: Framework, tmp_path: Path) -> None:
    courses = tuple(
        CatalogCourse(
            f"C-{n}", f"講座{n}", Provider.UDEMY, DeliveryMethod.SUBSCRIPTION, Decimal("1.25"), 3300,
            CourseLevel.INTRO, ("data", "tech"), "",
        )
        for n in range(1, 5)
    )  # fmt: skip
    catalog = Catalog(
        "municipal-dx", "小さなカタログ", "", courses,
        (LearningPath("general", ("C-1", "C-3"), ("C-4",)), LearningPath("ict", ("C-4", "C-2"), ())),
    )  # fmt: skip
    path = tmp_path / "small.csv"
    write_catalog_table(catalog, framework, path, encoding="utf-8-sig")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1] == "C-1,講座1,Udemy Business,定額制サービス,1.25,3300,入門,データ、デジタル技術,,必修,,,"
    assert lines[2] == "C-2,講座2,Udemy Business,定額制サービス,1.25,3300,入門,データ、デジタル技術,,,,必修2,"
    assert (
        lines[4]
        == "C-4,講座4,Udemy Business,定額制サービス,1.25,3300,入門,データ、デジタル技術,,推奨,,必修1,"
    )
    assert read_catalog_table(path, framework, name=catalog.name, description="") == catalog


def test_the_workbook_has_the_table_and_a_guide(
    framework: Framework, bundled: Catalog, tmp_path: Path
) -> None:
    path = tmp_path / "c.xlsx"
    write_catalog_table(bundled, framework, path)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == [CATALOG_SHEET, GUIDE_SHEET]
    sheet = workbook[CATALOG_SHEET]
    assert [c.value for c in sheet[1]] == HEADER and all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:M64"
    assert sheet["E2"].value == 2 and sheet["E3"].value == 1.5 and sheet["F3"].value == 3300
    assert 20 < sheet.column_dimensions["B"].width <= 50
    lists = {str(v.sqref): (v.formula1, v.showErrorMessage) for v in sheet.data_validations.dataValidation}
    assert lists["C2:C563"] == ('"Udemy Business,内製eラーニング,集合研修,外部講座"', True)
    assert lists["D2:D563"] == ('"通学,同時双方向,eラーニング,通信,定額制サービス"', True)
    assert lists["G2:G563"] == ('"入門,初級,中級,上級"', True)
    assert lists["J2:J563"] == ('"必修,推奨"', False)  # a drop-down that still takes 「必修2」
    guide = {row[0]: row[1:] for row in workbook[GUIDE_SHEET].iter_rows(min_row=2, values_only=True)}
    assert guide["カタログ名"][1] == bundled.name
    assert guide["役割の列"][1] == "、".join(ROLES)
    assert "必修1" in guide["役割の列"][0]


def test_a_renamed_sheet_is_read_and_the_guide_is_not(
    framework: Framework, bundled: Catalog, tmp_path: Path
) -> None:
    path = tmp_path / "c.xlsx"
    write_catalog_table(bundled, framework, path)
    workbook = openpyxl.load_workbook(path)
    workbook.move_sheet(GUIDE_SHEET, offset=-1)
    workbook[CATALOG_SHEET].title = "令和7年度"
    workbook[GUIDE_SHEET]["B2"] = "書き換えても読まない"
    workbook.save(path)
    assert read_catalog_table(path, framework, name=bundled.name, description=bundled.description) == bundled


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.mark.skipif(
    shutil.which("soffice") is None and not _in_ci(), reason="LibreOffice (soffice) is not installed"
)
def test_libreoffice_reads_the_workbook_with_the_same_values(
    framework: Framework, bundled: Catalog, tmp_path: Path
) -> None:
    soffice = shutil.which("soffice")
    assert soffice is not None, "CI must have LibreOffice to check the XLSX export"
    workbook, table = tmp_path / "catalog.xlsx", tmp_path / "table.csv"
    write_catalog_table(bundled, framework, workbook)
    write_catalog_table(bundled, framework, table, encoding="utf-8-sig")
    out = tmp_path / "lo"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",  # the first sheet: comma, double quote, UTF-8
            "--outdir",
            str(out),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    seen = list(csv.reader(io.StringIO((out / "catalog.csv").read_text(encoding="utf-8"))))
    assert seen == list(csv.reader(io.StringIO(table.read_text(encoding="utf-8-sig"))))
    assert len(seen) == 64 and seen[0] == HEADER


# CP932 writes 〜 (U+301C) and five others as characters that read back as their full-width twins
# (～ U+FF5E …): the codec's mapping, the same in Excel. Everything else must come back as written.
_CP932_TWINS = "¢£¬‖−〜"
_text = st.text(
    alphabet=st.characters(
        codec="cp932", exclude_categories=("Cc", "Cs", "Zl", "Zp", "Zs"), exclude_characters=_CP932_TWINS
    ),
    min_size=1,
    max_size=20,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    titles=st.lists(_text, min_size=1, max_size=6),
    hours=st.decimals(min_value=Decimal("0.01"), max_value=Decimal(2000), places=2),
    fee=st.integers(min_value=0, max_value=10_000_000),
    marks=st.lists(st.sampled_from([None, "required", "recommended"]), min_size=6, max_size=6),
    order=st.permutations(range(6)),
)
def test_any_catalogue_comes_back_the_same_through_csv(
    framework: Framework,
    tmp_path: Path,
    titles: list[str],
    hours: Decimal,
    fee: int,
    marks: list[str | None],
    order: list[int],
) -> None:
    courses = tuple(
        CatalogCourse(
            f"P-{n}", title, Provider.EXTERNAL, DeliveryMethod.CLASSROOM, hours, fee, CourseLevel.ADVANCED,
            ("genai",), f"説明「{title}」, 2行目なし",
        )
        for n, title in enumerate(titles)
    )  # fmt: skip
    codes = [f"P-{n}" for n in order if n < len(titles)]
    path = LearningPath(
        "leader",
        tuple(c for c, m in zip(codes, marks, strict=False) if m == "required"),
        tuple(c for c, m in zip(codes, marks, strict=False) if m == "recommended"),
    )
    catalog = Catalog(
        "municipal-dx", "性質テスト", "", courses, (path,) if path.required or path.recommended else ()
    )
    file = tmp_path / "p.csv"
    write_catalog_table(catalog, framework, file)
    assert read_catalog_table(file, framework, name=catalog.name, description="") == catalog


# --- what an office's file may look like --------------------------------------------------


def test_usual_variants_of_headers_and_cells_are_understood(framework: Framework, tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "office.csv",
        [
            ["講座コード", "講座", "提供者", "受講形態", "時間", "受講料（円）", "難易度", "分類", "内容", "ict", "一般職員"],
            ["ｘ－１", "表計算", "udemy business", "ｅラーニング", "１．５時間", "88,000円", " 中級 ", "data，tech", "", "推奨", "必修 2"],
            ["x-2", "セキュリティ", "外部講座", "通信", "3", "", "上級", "自治体の情報セキュリティ、caution", "", "必須", "必修1"],
            ["x-3", "計画", "外部講座", "通信", "3", "", "上級", "bpr", "", "推奨", "必修"],
        ],
        encoding="cp932",
    )  # fmt: skip
    catalog = read(path, framework)
    assert (
        catalog.name == "取込テスト"
        and catalog.description == "説明文"
        and catalog.framework == "municipal-dx"
    )
    first = catalog.courses[0]
    assert (first.code, first.provider, first.method, first.hours, first.fee, first.level) == (
        "x-1",
        Provider.UDEMY,
        DeliveryMethod.ELEARNING,
        Decimal("1.50"),
        88000,
        CourseLevel.INTERMEDIATE,
    )
    assert first.categories == ("data", "tech") and catalog.courses[1].categories == ("lgsec", "caution")
    assert catalog.courses[1].fee == 0
    # Paths in framework order; numbered marks first, by number, then the rest in row order.
    assert catalog.paths == (
        LearningPath("general", ("x-2", "x-1", "x-3"), ()),
        LearningPath("ict", ("x-2",), ("x-1", "x-3")),
    )


def test_a_role_without_a_column_or_a_mark_has_no_path(framework: Framework, tmp_path: Path) -> None:
    path = write_rows(tmp_path / "c.csv", [[*HEADERS, "一般職員", "ict"], [*GOOD[:9], "", ""]])
    assert read(path, framework).paths == ()


# --- refusals ------------------------------------------------------------------------------


def test_missing_and_unknown_columns_are_named_on_the_header_line(
    framework: Framework, tmp_path: Path
) -> None:
    header = ["コード", "講座名", "提供元", "レベル", "育成する分類", "一般職員", "受講者", "general"]
    path = write_rows(tmp_path / "h.csv", [[], header, GOOD[: len(header)]])
    assert problems(path, framework) == [
        "2: 実施方法: 「実施方法」の列がありません。",
        "2: 標準時間: 「標準時間」の列がありません。",
        "2: 受講者: 「受講者」は研修カタログの列でも、診断フレームワーク「自治体職員DXスキル診断」の役割でもありません"
        "（役割: 一般職員、事業系デジタル人材、ICT系デジタル人材、DX推進リーダー）。",
        "2: general: 役割「一般職員」の列が2つあります（「一般職員」）。",
    ]


def test_every_bad_cell_is_named_by_line_and_column(framework: Framework, tmp_path: Path) -> None:
    def row(code: str, **cells: str) -> list[str]:
        values = dict(zip(HEADER, GOOD, strict=True)) | {"コード": code} | cells
        return [values[h] for h in HEADER]

    path = write_rows(
        tmp_path / "bad.csv",
        [
            HEADER,
            row("A-1"),
            row("A-2", 提供元="Udemy"),
            row("A-3", 実施方法="オンライン", レベル="超級"),
            row("A-4", 標準時間="三時間"),
            row("A-5", 受講料="無料"),
            row("A-6", 育成する分類="データ、宇宙、魔法"),
            row("A-7", 一般職員="○"),
            row("A-1", 講座名="同じコード"),
            row("A-9", 講座名="あ" * 121),
            row("A-10", 標準時間="2001"),
            row("A-11", 受講料="-1"),
            row("A-12", 受講料="10.5"),
            row("コード"),
            row("A-14", 育成する分類=""),
            row("", 提供元=""),
        ],
    )
    assert problems(path, framework) == [
        "3: 提供元: 「Udemy」は提供元に使えません（Udemy Business・内製eラーニング・集合研修・外部講座 のいずれか）。",
        "4: 実施方法: 「オンライン」は実施方法に使えません（通学・同時双方向・eラーニング・通信・定額制サービス のいずれか）。",
        "4: レベル: 「超級」はレベルに使えません（入門・初級・中級・上級 のいずれか）。",
        "5: 標準時間: 「三時間」は数として読めません（例: 1.5）。",
        "6: 受講料: 「無料」は数として読めません（例: 3300）。",
        "7: 育成する分類: 分類「宇宙」「魔法」はありません（使える分類: マインド・スタンス、社会の変化とDXの必要性、"
        "データ、デジタル技術、データ・技術の活用、留意点（セキュリティ・モラル・コンプライアンス）、業務改善・BPR、"
        "サービスデザイン・利用者視点、要件定義・調達、自治体の情報セキュリティ、生成AIの利活用）。",
        "8: 一般職員: 「○」は使えません（必修・推奨・空欄のいずれか。パスの中の順番を決めるときは「必修1」「推奨2」のように番号を付けます）。",
        "9: コード: 講座コード「A-1」が 2 行目と 9 行目にあります（1つの講座に1行）。",
        "10: 講座名: 講座名は1〜120文字で書いてください。",
        "11: 標準時間: 標準時間は0より大きく2000以下の数（0.5刻みなど）で書いてください。",
        "12: 受講料: 受講料は0以上の整数（円）で書いてください。",
        "13: 受講料: 受講料は0以上の整数（円）で書いてください。",
        "14: コード: 講座コードは半角英数字・ハイフン（64文字以内）で書いてください。",
        "15: 育成する分類: 身につく分類（categories）を1つ以上書いてください。",
        "16: コード: 講座コードは半角英数字・ハイフン（64文字以内）で書いてください。",
        "16: 提供元: 提供元は Udemy Business / 内製eラーニング / 集合研修 / 外部講座 のいずれかにしてください。",
    ]


def test_a_table_without_courses_is_refused(framework: Framework, tmp_path: Path) -> None:
    path = write_rows(tmp_path / "empty.csv", [HEADER])
    assert problems(path, framework) == ["1: コード: 講座が1件もありません。"]


def test_headers_in_the_file_are_the_ones_named(framework: Framework, tmp_path: Path) -> None:
    header = [
        "講座コード",
        "講座名",
        "提供元",
        "実施方法",
        "時間",
        "受講料",
        "レベル",
        "分類",
        "説明",
        "ICT系デジタル人材",
    ]
    path = write_rows(tmp_path / "alias.csv", [header, ["あ", *GOOD[1:4], "0", *GOOD[5:9], "必修"]])
    assert problems(path, framework) == [
        "2: 講座コード: 講座コードは半角英数字・ハイフン（64文字以内）で書いてください。",
        "2: 時間: 標準時間は0より大きく2000以下の数（0.5刻みなど）で書いてください。",
    ]


def test_bad_rows_in_a_workbook_are_named_by_their_excel_row(
    framework: Framework, bundled: Catalog, tmp_path: Path
) -> None:
    path = tmp_path / "c.xlsx"
    write_catalog_table(bundled, framework, path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[CATALOG_SHEET]
    sheet["C10"] = "Udemy"
    sheet["E40"] = "たくさん"
    workbook.save(path)
    assert problems(path, framework) == [
        "10: 提供元: 「Udemy」は提供元に使えません（Udemy Business・内製eラーニング・集合研修・外部講座 のいずれか）。",
        "40: 標準時間: 「たくさん」は数として読めません（例: 1.5）。",
    ]
