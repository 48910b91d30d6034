"""回答用紙: every item with its id, nothing that gives the answers away, and pages that can be matched."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from desktop.domain.framework import Framework, ItemKind
from desktop.reports.answer_sheet import AnswerSheetLearner, write_answer_sheets
from desktop.reports.pdf_common import PdfError
from tests.reports import (
    assert_fonts_embedded,
    assert_no_missing_glyphs,
    build_framework,
    knowledge_item,
    page_count,
    pdf_text,
    self_item,
)

MADE_ON = date(2025, 4, 1)
YAMADA = AnswerSheetLearner("A0001", "山田 太郎", "みどり市", "総務部 デジタル推進課")
SUZUKI = AnswerSheetLearner("A0002", "鈴木 花子", "みどり市", "")
EXPLANATION = "この解説は回答用紙に載せない"


@pytest.fixture(scope="module")
def small() -> Framework:
    return build_framework(
        [("data", "データとデジタル", "データ活用"), ("sec", "自治体業務", "情報セキュリティ")],
        [
            self_item("DAT-01", "data", "表計算で集計できる。"),
            knowledge_item(
                "DAT-K1",
                "data",
                "中央値の説明はどれか。",
                ["最も多い値", "真ん中の値", "合計の値"],
                2,
                EXPLANATION,
            ),
            self_item("SEC-01", "sec", "パスワードを管理できる。"),
            knowledge_item(
                "SEC-K1",
                "sec",
                "選択肢が多い問題はどれか。",
                [f"選択肢その{n}" for n in range(1, 8)],
                7,
                EXPLANATION,
            ),
        ],
        {"一般職員": {"data": 2, "sec": 3}},
    )


@pytest.fixture(scope="module")
def large() -> Framework:
    """50 items in 5 categories: a sheet that runs over several pages."""
    categories = [(f"c{n}", f"大分類{n % 2}", f"分類{n}") for n in range(5)]
    items = []
    for n in range(50):
        category = f"c{n // 10}"
        if n % 5 == 4:
            choices = [f"設問{n}の選択肢{k}" for k in range(1, 5)]
            items.append(
                knowledge_item(f"Q{n:02d}", category, f"知識問題{n}はどれか。", choices, 1, EXPLANATION)
            )
        else:
            items.append(self_item(f"Q{n:02d}", category, f"自己評価{n}ができる。"))
    return build_framework(categories, items, {"一般職員": {f"c{n}": 2 for n in range(5)}}, name="大きな診断")


def test_sheet_has_the_header_instructions_scale_and_every_item(small: Framework, tmp_path: Path) -> None:
    path = tmp_path / "回答用紙.pdf"
    write_answer_sheets(path, small, [YAMADA], "事前", MADE_ON)
    text = pdf_text(path)

    assert "DXスキル診断 回答用紙（事前）" in text
    assert "診断フレームワーク: テスト診断 第3版" in text
    for expected in ("A0001", "山田 太郎", "みどり市", "総務部 デジタル推進課", "記入日"):
        assert expected in text
    assert re.search(r"令和\s+年\s+月\s+日", text)
    flat = re.sub(r"\s+", "", text)  # the instructions wrap where the page width says
    assert "自己評価の設問は、あてはまる番号を1つ〇で囲んでください。" in flat
    assert "知識問題は、正しいと思う選択肢の番号を1つ〇で囲んでください。" in flat
    for level, label in ((1, "知らない・できない"), (2, "知っている"), (3, "実践できる"), (4, "教えられる")):
        assert re.search(rf"^\s*{level}\s+{label}", text, re.M)
    assert re.search(r"1\. データ活用\s+大分類: データとデジタル", text)
    assert re.search(r"2\. 情報セキュリティ\s+大分類: 自治体業務", text)
    # Every item by id and kind, with its text and the numbers to circle (centred on the item's row).
    assert re.search(r"DAT-01\s+表計算で集計できる。\s*\n\s*自己評価\s+1\s+2\s+3\s+4\s*$", text, re.M)
    assert re.search(r"SEC-01\s+パスワードを管理できる。\s*\n\s*自己評価\s+1\s+2\s+3\s+4\s*$", text, re.M)
    three = text[text.index("DAT-K1") : text.index("2. 情報セキュリティ")]
    assert re.search(r"DAT-K1\s+中央値の説明はどれか。\s*\n\s*知識問題", three)
    for number, choice in enumerate(["最も多い値", "真ん中の値", "合計の値"], 1):
        assert re.search(rf"^\s*{number} {choice}", three, re.M)
    assert re.search(r"\s1\s+2\s+3\s*$", three, re.M)
    assert not re.search(r"\s4\s*$", three, re.M)  # three choices, three numbers
    # Seven choices: five numbers on one line, the other two below them.
    seven = text[text.index("SEC-K1") : text.index("設問は以上です。")]
    assert re.search(r"\s1\s+2\s+3\s+4\s+5\s*$", seven, re.M)
    assert re.search(r"\s6\s+7\s*$", seven, re.M)
    assert "自己評価" in text and "知識問題" in text
    assert "設問は以上です。" in text
    assert_no_missing_glyphs(text)


def test_the_answers_are_not_printed(small: Framework, tmp_path: Path) -> None:
    path = tmp_path / "回答用紙.pdf"
    write_answer_sheets(path, small, [YAMADA], "事前", MADE_ON)
    text = pdf_text(path)
    assert "正解" not in text
    assert "解説" not in text and EXPLANATION not in text
    # No choice is marked: each choice line is its number and its text, nothing more.
    for item in small.items:
        if item.kind is ItemKind.KNOWLEDGE:
            for number, choice in enumerate(item.choices, 1):
                line = next(line for line in text.splitlines() if choice in line)
                assert re.search(rf"(^|\s){number}\s+{choice}(\s|$)", line), line
                assert not re.search(r"[○◯●✓✔★*＊]", line.split(choice)[0]), line


def test_fonts_are_embedded_truetype_only(small: Framework, tmp_path: Path) -> None:
    path = tmp_path / "fonts.pdf"
    write_answer_sheets(path, small, [YAMADA], "定期", MADE_ON)
    assert_fonts_embedded(path)


def test_long_sheets_run_over_pages_each_naming_its_learner(large: Framework, tmp_path: Path) -> None:
    path = tmp_path / "複数ページ.pdf"
    done: list[int] = []
    write_answer_sheets(path, large, [YAMADA, SUZUKI], "事後", MADE_ON, progress=done.append)

    assert done == [1, 2]
    total = page_count(path)
    assert total % 2 == 0 and total >= 4  # the same number of pages for each learner, more than one
    per_learner = total // 2
    pages = [pdf_text(path, page) for page in range(1, total + 1)]
    for index, learner in enumerate((YAMADA, SUZUKI)):
        own = pages[index * per_learner : (index + 1) * per_learner]
        assert "DXスキル診断 回答用紙（事後）" in own[0]
        for number, text in enumerate(own, 1):
            assert f"受講者番号 {learner.learner_number}" in text and f"氏名 {learner.learner_name}" in text
            assert re.search(rf"{number} / {per_learner}\s*$", text, re.M)
        ids = re.findall(r"^\s*(Q\d\d)\s", "\n".join(own), re.M)
        assert ids == [item.id for item in large.items]


def test_no_item_is_split_across_pages(large: Framework, tmp_path: Path) -> None:
    path = tmp_path / "分割なし.pdf"
    write_answer_sheets(path, large, [YAMADA], "事前", MADE_ON)
    pages = [pdf_text(path, page) for page in range(1, page_count(path) + 1)]
    for item in large.items:
        holding = [text for text in pages if re.search(rf"^\s*{item.id}\s", text, re.M)]
        assert len(holding) == 1, item.id
        assert item.text in holding[0]
        for choice in item.choices:
            assert choice in holding[0], (item.id, choice)
    # A category heading never sits alone at the foot of a page.
    for text in pages:
        lines = [line for line in text.splitlines() if line.strip()]
        body = lines[:-1]  # the footer
        assert not re.search(r"^\s*\d+\. 分類\d", body[-1]), body[-1]


def test_without_learners_one_sheet_with_blanks(small: Framework, tmp_path: Path) -> None:
    path = tmp_path / "白紙.pdf"
    done: list[int] = []
    write_answer_sheets(path, small, [], "事前", MADE_ON, progress=done.append)
    text = pdf_text(path)

    assert done == [1]
    assert page_count(path) == 1
    assert "受講者番号" in text and "氏名" in text and "所属" in text
    assert "山田" not in text
    assert re.search(r"受講者番号 ＿+\s+氏名 ＿+", text)  # lines to write on, in the footer of each page
    assert "DAT-K1" in text


def test_cancelling_leaves_no_file_behind(large: Framework, tmp_path: Path) -> None:
    path = tmp_path / "中止.pdf"

    def cancel(done: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_answer_sheets(path, large, [YAMADA, SUZUKI], "事前", MADE_ON, progress=cancel)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_path_names_the_file(small: Framework, tmp_path: Path) -> None:
    with pytest.raises(PdfError, match=r"回答用紙\.pdf に書き込めません"):
        write_answer_sheets(tmp_path / "ない" / "回答用紙.pdf", small, [YAMADA], "事前", MADE_ON)
