"""診断結果票: read back with poppler, the way a clerk's viewer and printer see it."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from desktop.domain.diagnosis import DiagnosisScore, score_answers
from desktop.domain.framework import Framework
from desktop.reports import pdf_common
from desktop.reports.diagnosis_sheet import ResultSheet, _wrap_label, write_result_sheets
from desktop.reports.pdf_common import FONT, PdfError
from tests.reports import (
    assert_fonts_embedded,
    assert_no_missing_glyphs,
    build_framework,
    knowledge_item,
    page_count,
    pdf_text,
    self_item,
)

MADE_ON = date(2025, 10, 20)


@pytest.fixture(scope="module")
def framework() -> Framework:
    return build_framework(
        [
            ("data", "データとデジタル", "データ活用"),
            ("sec", "データとデジタル", "情報セキュリティ"),
            ("bpr", "自治体業務", "業務改善"),
        ],
        [
            self_item("DAT-01", "data", "表計算で集計できる。"),
            self_item("DAT-02", "data", "グラフで報告できる。"),
            self_item("SEC-01", "sec", "パスワードを管理できる。"),
            knowledge_item("SEC-K1", "sec", "安全なものはどれか。", ["使い回す", "長くする"], 2),
            self_item("BPR-01", "bpr", "業務を図に描ける。"),
        ],
        {"一般職員": {"data": 3, "sec": 2, "bpr": 2}},
    )


def score(framework: Framework, answers: dict[str, int]) -> DiagnosisScore:
    return score_answers(framework, framework.roles[0], answers)


# data: (2+3)/2 = 2.5, 0.5 short of 3.  sec: self 3, knowledge right (level 4) → 3.5, reached.  bpr: unanswered.
AFTER = {"DAT-01": 2, "DAT-02": 3, "SEC-01": 3, "SEC-K1": 2}
# data 2.0 → +0.5; sec: self 4 and right → 4.0 → −0.5; bpr 2.0 → unanswered now.
BEFORE = {"DAT-01": 2, "DAT-02": 2, "SEC-01": 4, "SEC-K1": 2, "BPR-01": 2}


def sheet(framework: Framework, **changes: object) -> ResultSheet:
    values: dict[str, object] = {
        "learner_number": "A0001",
        "learner_name": "髙橋 花子",
        "organization": "みどり市",
        "department": "総務部 デジタル推進課",
        "diagnosed_on": date(2025, 4, 10),
        "kind_label": "事後",
        "framework_name": framework.name,
        "framework_version": framework.version,
        "role_name": "一般職員",
        "score": score(framework, AFTER),
        "scale": framework.scale,
    }
    values.update(changes)
    return ResultSheet(**values)  # type: ignore[arg-type]


def test_sheet_shows_the_learner_the_framework_version_and_every_level(
    framework: Framework, tmp_path: Path
) -> None:
    path = tmp_path / "結果票.pdf"
    write_result_sheets(path, [sheet(framework)], MADE_ON)
    text = pdf_text(path)

    assert "DXスキル診断 結果票" in text
    for expected in ("A0001", "髙橋 花子", "みどり市", "総務部 デジタル推進課", "事後", "一般職員"):
        assert expected in text
    assert "令和7年4月10日（2025-04-10）" in text
    assert "診断フレームワーク: テスト診断 第3版" in text
    assert re.search(r"大分類\s+分類\s+レベル\s+到達目標\s+差", text)
    # The table rows: level, target and the gap (or 達成 / a dash when nothing was answered).
    assert re.search(r"データ活用\s+2\.5\s+3\s+0\.5\s*$", text, re.M)
    assert re.search(r"情報セキュリティ\s+3\.5\s+2\s+達成\s*$", text, re.M)
    assert re.search(r"業務改善\s+未回答\s+2\s+—\s*$", text, re.M)
    assert "前回" not in text  # no comparison columns without an earlier diagnosis
    # The summary in words, the rule, the closing line and the footer.
    assert "強みは" in text and "「情報セキュリティ」（3.5）" in text
    assert "一般職員の到達目標との差が大きいのは" in text
    assert "未回答の分類: 業務改善" in text
    assert "レベルの求め方" in text
    assert "この結果票は自己評価と知識問題による目安です。" in text
    assert "まなび台帳" in text and "作成日 令和7年10月20日" in text
    assert re.search(r"1 / 1\s*$", text, re.M)
    # The chart: its legend, its scale and the framework version that made it.
    assert "到達目標（一般職員）" in text
    assert "4 教えられる" in text
    assert "テスト診断 第3版で算出" in text
    assert_no_missing_glyphs(text)


def test_fonts_are_embedded_truetype_only(framework: Framework, tmp_path: Path) -> None:
    path = tmp_path / "fonts.pdf"
    write_result_sheets(
        path, [sheet(framework, before=score(framework, BEFORE), before_label="事前")], MADE_ON
    )
    assert_fonts_embedded(path)


def test_an_earlier_diagnosis_adds_previous_levels_and_the_change(
    framework: Framework, tmp_path: Path
) -> None:
    path = tmp_path / "比較.pdf"
    before = score(framework, BEFORE)
    write_result_sheets(
        path, [sheet(framework, before=before, before_label="事前（令和7年4月10日）")], MADE_ON
    )
    text = pdf_text(path)

    assert re.search(r"大分類\s+分類\s+レベル\s+到達目標\s+差\s+前回\s+変化", text)
    assert re.search(r"データ活用\s+2\.5\s+3\s+0\.5\s+2\.0\s+\+0\.5\s*$", text, re.M)
    assert re.search(r"情報セキュリティ\s+3\.5\s+2\s+達成\s+4\.0\s+−0\.5\s*$", text, re.M)
    assert re.search(r"業務改善\s+未回答\s+2\s+—\s+2\.0\s+—\s*$", text, re.M)
    assert "前回: 事前（令和7年4月10日）" in text
    assert "前回から伸びたのは 「データ活用」（+0.5） です。" in text


def test_a_batch_is_one_page_per_learner(framework: Framework, tmp_path: Path) -> None:
    path = tmp_path / "所属一括.pdf"
    names = ["山田 太郎", "鈴木 一郎", "佐藤 花子"]
    sheets = [sheet(framework, learner_number=f"B{n}", learner_name=name) for n, name in enumerate(names, 1)]
    done: list[int] = []
    write_result_sheets(path, sheets, MADE_ON, progress=done.append)

    assert page_count(path) == 3
    assert done == [1, 2, 3]
    for page, name in enumerate(names, 1):
        text = pdf_text(path, page)
        assert name in text and f"B{page}" in text
        assert all(other not in text for other in names if other != name)
        assert re.search(rf"{page} / 3\s*$", text, re.M)


def test_many_categories_still_fit_on_one_page(tmp_path: Path) -> None:
    categories = [
        (f"c{n}", f"大分類{n % 4}", f"とても長い名前の分類その{n}（補足の説明つき）") for n in range(20)
    ]
    items = [self_item(f"I{n}", f"c{n}", "できる。") for n in range(20)]
    big = build_framework(categories, items, {"一般職員": {f"c{n}": 3 for n in range(20)}})
    path = tmp_path / "大きい.pdf"
    answers = {f"I{n}": 1 + n % 4 for n in range(20)}
    write_result_sheets(path, [sheet(big, score=score(big, answers))], MADE_ON)

    assert page_count(path) == 1
    assert "この結果票は自己評価と知識問題による目安です。" in pdf_text(path)


def test_chart_labels_fit_and_drop_asides_before_cutting() -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]

    pdf_common.register_fonts()
    assert _wrap_label("データ", 7.5, 68) == ["データ"]
    assert _wrap_label("社会の変化とDXの必要性", 7.5, 68) == ["社会の変化と", "DXの必要性"]
    assert _wrap_label("留意点（セキュリティ・モラル・コンプライアンス）", 7.5, 68) == ["留意点"]
    long = _wrap_label("とてもとても長い名前がどこまでも続いていく分類の名前", 7.5, 68)
    assert len(long) == 2 and long[1].endswith("…")
    for lines in (long, _wrap_label("サービスデザイン・利用者視点", 7.5, 68)):
        assert all(stringWidth(line, FONT, 7.5) <= 68 for line in lines)


def test_cancelling_leaves_no_file_behind(framework: Framework, tmp_path: Path) -> None:
    path = tmp_path / "中止.pdf"

    def cancel_after_two(done: int) -> None:
        if done == 2:
            raise KeyboardInterrupt  # what a cancel button's exception stands for: not an error

    with pytest.raises(KeyboardInterrupt):
        write_result_sheets(path, [sheet(framework)] * 3, MADE_ON, progress=cancel_after_two)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_run_keeps_the_previous_file(framework: Framework, tmp_path: Path) -> None:
    path = tmp_path / "前回の結果票.pdf"
    path.write_bytes(b"old")

    def fail(done: int) -> None:
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        write_result_sheets(path, [sheet(framework)], MADE_ON, progress=fail)
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["前回の結果票.pdf"]


def test_unwritable_path_names_the_file(framework: Framework, tmp_path: Path) -> None:
    with pytest.raises(PdfError, match=r"結果票\.pdf に書き込めません.*PDFビューア"):
        write_result_sheets(tmp_path / "ない" / "結果票.pdf", [sheet(framework)], MADE_ON)
    folder = tmp_path / "フォルダ.pdf"
    folder.mkdir()
    with pytest.raises(PdfError, match=r"フォルダ\.pdf に書き込めません"):
        write_result_sheets(folder, [sheet(framework)], MADE_ON)
    assert [p.name for p in tmp_path.iterdir()] == ["フォルダ.pdf"]  # no .part left beside it


def test_missing_font_is_a_clear_error(
    framework: Framework, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_common, "_fonts_ready", False)
    monkeypatch.setattr(pdf_common, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    with pytest.raises(PdfError, match=r"BIZUDGothic-Regular\.ttf が見つかりません"):
        write_result_sheets(tmp_path / "結果票.pdf", [sheet(framework)], MADE_ON)
    assert not (tmp_path / "結果票.pdf").exists()


def test_nothing_to_print_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="結果票にする診断がありません"):
        write_result_sheets(tmp_path / "空.pdf", [], MADE_ON)
    assert not (tmp_path / "空.pdf").exists()
