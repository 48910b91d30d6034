"""学習計画書: read back with poppler, the way a clerk's viewer and printer see it."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest

from desktop.domain.diagnosis import score_answers
from desktop.domain.framework import Framework
from desktop.reports.pdf_common import MARGIN_X, PAGE_SIZE, PdfError
from desktop.reports.plan_sheet import (
    PlanDiagnosis,
    PlanSheet,
    PlanSheetLine,
    plan_file_name,
    write_plan_sheet_folder,
    write_plan_sheets,
)
from tests.reports import (
    _poppler,
    _run,
    assert_fonts_embedded,
    assert_no_missing_glyphs,
    build_framework,
    page_count,
    pdf_text,
    self_item,
)

MADE_ON = date(2026, 4, 20)
CATEGORY_NAMES = ["データ活用", "情報セキュリティ", "業務改善・BPR", "サービスデザイン・利用者視点"]


@pytest.fixture(scope="module")
def framework() -> Framework:
    categories = [(f"c{n}", "大分類", name) for n, name in enumerate(CATEGORY_NAMES)]
    items = [self_item(f"I{n}", f"c{n}", "できる。") for n in range(len(CATEGORY_NAMES))]
    return build_framework(categories, items, {"一般職員": {f"c{n}": 3 for n in range(len(CATEGORY_NAMES))}})


def diagnosis(framework: Framework) -> PlanDiagnosis:
    answers = {f"I{n}": 1 + n % 4 for n in range(len(framework.categories))}
    score = score_answers(framework, framework.roles[0], answers)
    return PlanDiagnosis(date(2026, 4, 14), "事前", framework.name, score, framework.scale)


def lines(count: int, *, why: str = "到達目標との差を埋めるための講座です。") -> tuple[PlanSheetLine, ...]:
    months = [date(2026 + (m > 12), (m - 1) % 12 + 1, 1) for m in range(5, 16)]
    return tuple(
        PlanSheetLine(
            month=months[n * len(months) // count],
            course_code=f"DX-{n + 101}",
            course_title=f"講座その{n + 1} デジタル活用入門",
            method="eラーニング" if n % 2 else "通学",
            provider="Udemy Business" if n % 2 else "集合研修",
            hours=Decimal("1.50") if n % 3 == 0 else Decimal(4),
            reason=("必修", "差を埋める", "推奨", "追加")[n % 4],
            why=why,
        )
        for n in range(count)
    )


def sheet(framework: Framework | None, count: int = 8, **changes: object) -> PlanSheet:
    values: dict[str, object] = {
        "organization": "みどり市",
        "fiscal_year": 2026,
        "learner_number": "A0001",
        "learner_name": "髙橋 花子",
        "learner_kana": "タカハシ ハナコ",
        "department": "総務部 デジタル推進課",
        "job_title": "主任",
        "role_name": "一般職員",
        "status_label": "下書き",
        "revision": 2,
        "period_start": date(2026, 5, 1),
        "period_end": date(2027, 3, 31),
        "hours_budget": Decimal(40),
        "goal": "申請手続きのオンライン化を、データと利用者の視点から進められるようになる。",
        "mentor": "佐藤 一郎",
        "diagnosis": diagnosis(framework) if framework is not None else None,
        "lines": lines(count),
    }
    values.update(changes)
    return PlanSheet(**values)  # type: ignore[arg-type]


def raw_text(path: Path) -> str:
    """The text in drawing order: the lines of one wrapped cell come one after another."""
    return _run(_poppler("pdftotext"), "-raw", str(path), "-")


def joined(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_size(path: Path) -> str:
    match = re.search(r"^Page size:\s+(.+)$", _run(_poppler("pdfinfo"), str(path)), re.M)
    assert match is not None
    return match[1]


def word_boxes(path: Path) -> list[tuple[str, float, float]]:
    """Every word poppler finds, with its left and right edge in points."""
    html = _run(_poppler("pdftotext"), "-bbox", str(path), "-")
    body = html[html.index("<body>") : html.index("</body>") + len("</body>")]
    words = ElementTree.fromstring(body).iter("word")  # cut from its html, the body has no namespace
    return [(w.text or "", float(w.attrib["xMin"]), float(w.attrib["xMax"])) for w in words]


# --- what is printed ----------------------------------------------------------------------------


def test_sheet_shows_the_learner_the_goal_the_diagnosis_and_every_course(
    framework: Framework, tmp_path: Path
) -> None:
    path = tmp_path / "計画書.pdf"
    plan = sheet(framework)
    write_plan_sheets(path, [plan], MADE_ON)
    text = pdf_text(path)

    assert page_count(path) == 1
    assert "学習計画書" in text and "令和8年度" in text and "みどり市" in text
    assert "下書き" in text and "第2版" in text
    for expected in ("A0001", "髙橋 花子", "タカハシ ハナコ", "総務部 デジタル推進課", "主任", "一般職員"):
        assert expected in text
    assert "令和8年5月1日～令和9年3月31日" in text
    assert re.search(r"時間の上限\s+40時間", text)
    assert "佐藤 一郎" in text
    assert "申請手続きのオンライン化を、データと利用者の視点から進められるようになる。" in text
    # The diagnosis: when and against what, a row per category, the chart's legend.
    assert "事前（令和8年4月14日）・テスト診断・到達目標は一般職員" in text
    assert re.search(r"分類\s+レベル\s+目標\s+差", text)
    assert re.search(r"データ活用\s+1\.0\s+3\s+2\.0", text)
    assert re.search(r"サービスデザイン・利用者視点\s+4\.0\s+3\s+達成", text)
    assert "現在のレベル" in text
    # The plan: the header, each course with its month, method, hours and reason, and the total.
    assert re.search(r"月\s+講座\s+実施方法\s+時間\s+選定理由", text)
    for line in plan.lines:
        assert line.course_title in text and line.course_code in text
    assert re.search(r"通学\s+1\.5\s+必修\s+到達目標との差を埋めるための講座です。", text)
    assert "Udemy Business" in text and "集合研修" in text
    assert "令和8年" in text and "令和9年" in text  # the year of every month: a 年度 runs into the next year
    assert re.search(r"合計\s+8講座\s+24\.5\s+上限 40時間（残り 15\.5時間）", text)
    # The seals and the footer.
    assert re.search(r"本人\s+ラーニングパートナー\s+所属長", text)
    assert re.search(r"承認日\s+年\s+月\s+日", text)
    assert "まなび台帳" in text and "作成日 令和8年4月20日" in text
    assert re.search(r"1 / 1\s*$", text, re.M)
    assert_no_missing_glyphs(text)


def test_fonts_are_embedded_biz_ud_gothic_only(framework: Framework, tmp_path: Path) -> None:
    path = tmp_path / "fonts.pdf"
    write_plan_sheets(path, [sheet(framework), sheet(None, goal="")], MADE_ON)
    assert_fonts_embedded(path)


def test_pages_are_a4_portrait(framework: Framework, tmp_path: Path) -> None:
    path = tmp_path / "a4.pdf"
    write_plan_sheets(path, [sheet(framework)], MADE_ON)
    assert page_size(path) == "595.276 x 841.89 pts (A4)"


def test_hours_over_the_limit_are_called_out(framework: Framework, tmp_path: Path) -> None:
    path = tmp_path / "超過.pdf"
    write_plan_sheets(path, [sheet(framework, hours_budget=Decimal("20.5"))], MADE_ON)
    assert re.search(r"合計\s+8講座\s+24\.5\s+上限 20\.5時間を 4時間 超えています", pdf_text(path))


def test_an_approved_plan_is_not_marked_as_a_draft(framework: Framework, tmp_path: Path) -> None:
    path = tmp_path / "承認済.pdf"
    write_plan_sheets(path, [sheet(framework, status_label="承認済", revision=1)], MADE_ON)
    text = pdf_text(path)
    assert "承認済" in text and "第1版" in text
    assert "下書き" not in text


def test_the_office_chooses_the_approval_boxes(framework: Framework, tmp_path: Path) -> None:
    path = tmp_path / "押印欄.pdf"
    write_plan_sheets(path, [sheet(framework, approvals=("本人", "課長", "人事課"))], MADE_ON)
    text = pdf_text(path)
    assert re.search(r"本人\s+課長\s+人事課", text)
    assert "所属長" not in text


def test_six_approval_boxes_with_long_titles_stay_on_the_page(framework: Framework, tmp_path: Path) -> None:
    path = tmp_path / "六つ.pdf"
    titles = ("本人", "ラーニングパートナー", "係長", "課長", "人事課デジタル人材育成担当", "部長")
    write_plan_sheets(path, [sheet(framework, approvals=titles)], MADE_ON)
    assert all(title in joined(raw_text(path)) for title in titles)
    assert_inside_the_frame(path)


# --- without a diagnosis, long plans, long text ---------------------------------------------------


def test_without_a_diagnosis_the_sheet_says_so_and_draws_no_chart(tmp_path: Path) -> None:
    path = tmp_path / "診断なし.pdf"
    write_plan_sheets(path, [sheet(None, goal="", mentor="", learner_kana="")], MADE_ON)
    text = pdf_text(path)
    assert "スキル診断の結果はありません" in text
    assert "現在のレベル" not in text and "レベル" not in text
    assert "到達目標" in text  # the blank goal box is still there, to be filled in by hand
    assert "髙橋 花子" in text and "合計" in text
    assert page_count(path) == 1


def test_a_long_plan_continues_with_the_table_header_repeated(framework: Framework, tmp_path: Path) -> None:
    path = tmp_path / "長い計画.pdf"
    plan = sheet(framework, 40)
    write_plan_sheets(path, [plan], MADE_ON)

    assert page_count(path) == 2
    first, second = pdf_text(path, 1), pdf_text(path, 2)
    assert "学習計画書" in first and re.search(r"1 / 2\s*$", first, re.M)
    assert "実施方法" in second and "選定理由" in second
    assert plan.lines[-1].course_title in second
    assert re.search(r"合計\s+40講座", second) and "所属長" in second
    assert "学習計画書" not in second  # the header and learner block are not repeated
    assert "髙橋 花子" in second  # but the footer names the learner
    assert re.search(r"2 / 2\s*$", second, re.M)
    titles = joined(raw_text(path))
    assert all(line.course_title.replace(" ", "") in titles for line in plan.lines)


def test_twelve_categories_fit_beside_the_chart(tmp_path: Path) -> None:
    names = [f"とても長い名前の分類その{n}（補足の説明つき）" for n in range(12)]
    big = build_framework(
        [(f"c{n}", "大分類", name) for n, name in enumerate(names)],
        [self_item(f"I{n}", f"c{n}", "できる。") for n in range(12)],
        {"一般職員": {f"c{n}": 3 for n in range(12)}},
    )
    path = tmp_path / "十二分類.pdf"
    write_plan_sheets(path, [sheet(big, 6)], MADE_ON)
    assert page_count(path) == 1
    text = joined(raw_text(path))
    assert all(name in text for name in names)
    assert_inside_the_frame(path)


def test_two_categories_get_the_table_without_a_chart(tmp_path: Path) -> None:
    small = build_framework(
        [("a", "大分類", "データ活用"), ("b", "大分類", "情報セキュリティ")],
        [self_item("I0", "a", "できる。"), self_item("I1", "b", "できる。")],
        {"一般職員": {"a": 3, "b": 2}},
    )
    path = tmp_path / "二分類.pdf"
    write_plan_sheets(path, [sheet(small, 3)], MADE_ON)
    text = pdf_text(path)
    assert re.search(r"データ活用\s+1\.0\s+3\s+2\.0", text)
    assert re.search(r"情報セキュリティ\s+2\.0\s+2\s+達成", text)
    assert "現在のレベル" not in text  # a radar of two axes would be a line
    assert_inside_the_frame(path)


def test_long_names_and_titles_wrap_and_stay_inside_the_page(framework: Framework, tmp_path: Path) -> None:
    path = tmp_path / "長い文字.pdf"
    name = "寿限無寿限無五劫の擦り切れ海砂利水魚の水行末雲来末風来末食う寝る処に住む処"
    title = (
        "【2026年版】ゼロから始めるPython入門：データ分析の基礎からWebスクレイピング・業務自動化まで完全網羅"
    )
    why = (
        "「"
        + "データ・技術の活用" * 6
        + "」の到達目標との差を埋めるため、所属の業務で使う場面を想定した演習のある講座を選びました。"
    )
    goal = "窓口業務の申請手続きをオンライン化する検討に参加し、" * 8
    plan = sheet(
        framework,
        2,
        learner_name=name,
        organization="みどり市・あおば町・ひかり村 デジタル人材育成共同事業体（広域連携協議会事務局）",
        department="総務部 デジタル推進課 行政改革・業務改善担当 兼 情報政策係",
        goal=goal,
        mentor="ラーニングパートナー 佐藤 一郎（デジタル推進課 主査）",
        lines=tuple(replace(line, course_title=title, why=why) for line in lines(2)),
    )
    write_plan_sheets(path, [plan], MADE_ON)
    text = joined(raw_text(path))
    for expected in (name, title, why, goal, plan.organization, plan.department, plan.mentor):
        assert joined(expected) in text
    assert_inside_the_frame(path)


def assert_inside_the_frame(path: Path) -> None:
    """No word runs past the page's side margins: wrapped, not cut off or spilling out."""
    left, right = MARGIN_X - 0.5, PAGE_SIZE[0] - MARGIN_X + 0.5
    outside = [(w, a, b) for w, a, b in word_boxes(path) if a < left or b > right]
    assert not outside, outside


# --- batches: one file, or a file per learner ----------------------------------------------------


def test_a_batch_starts_each_learner_on_a_new_page_and_counts_pages_per_learner(
    framework: Framework, tmp_path: Path
) -> None:
    path = tmp_path / "一括.pdf"
    people = [("B1", "山田 太郎", 8), ("B2", "鈴木 一郎", 40), ("B3", "佐藤 花子", 3)]
    sheets = [
        sheet(framework, count, learner_number=number, learner_name=name, learner_kana="")
        for number, name, count in people
    ]
    done: list[int] = []
    write_plan_sheets(path, sheets, MADE_ON, progress=done.append)

    assert done == [1, 2, 3]
    assert page_count(path) == 4
    expected = [
        ("山田 太郎", "1 / 1"),
        ("鈴木 一郎", "1 / 2"),
        ("鈴木 一郎", "2 / 2"),
        ("佐藤 花子", "1 / 1"),
    ]
    for page, (name, number) in enumerate(expected, 1):
        text = pdf_text(path, page)
        assert name in text
        assert all(other not in text for _, other, _ in people if other != name)
        assert re.search(rf"{number}\s*$", text, re.M)
    for page in (1, 2, 4):
        assert "学習計画書" in pdf_text(path, page)  # each learner starts with the sheet's header


def test_cancelling_a_batch_leaves_no_file(framework: Framework, tmp_path: Path) -> None:
    path = tmp_path / "中止.pdf"

    def cancel_at_two(done: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_plan_sheets(path, [sheet(framework)] * 3, MADE_ON, progress=cancel_at_two)
    assert list(tmp_path.iterdir()) == []


def test_nothing_to_print_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="印刷する学習計画がありません"):
        write_plan_sheets(tmp_path / "空.pdf", [], MADE_ON)
    with pytest.raises(ValueError, match="印刷する学習計画がありません"):
        write_plan_sheet_folder(tmp_path, [], MADE_ON)
    assert list(tmp_path.iterdir()) == []


def folder_sheets(framework: Framework) -> list[PlanSheet]:
    return [
        sheet(framework, 3, learner_number="C1", learner_name="山田 太郎"),
        sheet(None, 3, learner_number="C2", learner_name="鈴木 一郎"),
        sheet(framework, 40, learner_number="C3", learner_name="佐藤 花子"),
    ]


def test_a_folder_gets_one_file_per_learner(framework: Framework, tmp_path: Path) -> None:
    (tmp_path / "メモ.txt").write_text("前からある", encoding="utf-8")
    done: list[int] = []
    made = write_plan_sheet_folder(tmp_path, folder_sheets(framework), MADE_ON, progress=done.append)

    names = [
        "C1_山田 太郎_2026年度学習計画書.pdf",
        "C2_鈴木 一郎_2026年度学習計画書.pdf",
        "C3_佐藤 花子_2026年度学習計画書.pdf",
    ]
    assert made == [tmp_path / name for name in names]
    assert done == [1, 2, 3]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*names, "メモ.txt"])
    assert [page_count(p) for p in made] == [1, 1, 2]
    assert "鈴木 一郎" in pdf_text(made[1]) and "山田 太郎" not in pdf_text(made[1])
    assert re.search(r"2 / 2\s*$", pdf_text(made[2], 2), re.M)
    assert (tmp_path / "メモ.txt").read_text(encoding="utf-8") == "前からある"


def test_cancelling_a_folder_run_leaves_the_folder_as_it_was(framework: Framework, tmp_path: Path) -> None:
    (tmp_path / "メモ.txt").write_text("前からある", encoding="utf-8")
    earlier = tmp_path / "C1_山田 太郎_2026年度学習計画書.pdf"
    earlier.write_bytes(b"last year's print")

    def cancel_at_two(done: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_plan_sheet_folder(tmp_path, folder_sheets(framework), MADE_ON, progress=cancel_at_two)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([earlier.name, "メモ.txt"])
    assert earlier.read_bytes() == b"last year's print"
    assert not list(tmp_path.rglob("*.part"))

    # A run that completes replaces it.
    write_plan_sheet_folder(tmp_path, folder_sheets(framework)[:1], MADE_ON)
    assert earlier.read_bytes().startswith(b"%PDF")


def test_a_file_that_cannot_be_moved_in_undoes_the_whole_run(
    framework: Framework, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    earlier = tmp_path / "C1_山田 太郎_2026年度学習計画書.pdf"
    earlier.write_bytes(b"last year's print")
    real_replace = os.replace

    def locked(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        moving_in = Path(target).parent == tmp_path
        if moving_in and Path(target).name.startswith("C2_"):  # as if a viewer held it open
            raise PermissionError(13, "Permission denied", str(target))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(PdfError, match=r"C2_鈴木 一郎_2026年度学習計画書\.pdf を保存できません.*PDFビューア"):
        write_plan_sheet_folder(tmp_path, folder_sheets(framework), MADE_ON)
    assert [p.name for p in tmp_path.iterdir()] == [earlier.name]
    assert earlier.read_bytes() == b"last year's print"


def test_a_missing_folder_is_a_clear_error(framework: Framework, tmp_path: Path) -> None:
    with pytest.raises(PdfError, match=r"保存先のフォルダ .* がありません"):
        write_plan_sheet_folder(tmp_path / "ない", [sheet(framework)], MADE_ON)
    assert list(tmp_path.iterdir()) == []


def test_file_names_are_safe_on_windows_and_keep_japanese(framework: Framework) -> None:
    assert plan_file_name(sheet(framework)) == "A0001_髙橋 花子_2026年度学習計画書.pdf"
    odd = sheet(framework, learner_number="K/12:3", learner_name='髙橋*花子?<"課">|\\', fiscal_year=2027)
    assert plan_file_name(odd) == "K_12_3_髙橋_花子___課_____2027年度学習計画書.pdf"
    assert plan_file_name(sheet(framework, learner_name="")) == "A0001_2026年度学習計画書.pdf"


def test_two_plans_with_the_same_name_do_not_overwrite_each_other(
    framework: Framework, tmp_path: Path
) -> None:
    made = write_plan_sheet_folder(tmp_path, [sheet(framework, 2), sheet(framework, 2, revision=3)], MADE_ON)
    assert [p.name for p in made] == [
        "A0001_髙橋 花子_2026年度学習計画書.pdf",
        "A0001_髙橋 花子_2026年度学習計画書（2）.pdf",
    ]
    assert "第3版" in pdf_text(made[1])
