"""人材開発支援助成金 記入シート: read back with poppler, the way the firm's viewer and printer see them."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from desktop.domain.grant import TraineeInput, TrainingTerms, estimate_plan, subscription_months
from desktop.domain.grant_plan import EmploymentType, GrantPlanStatus, claim_window, notice_window
from desktop.domain.grant_rules import TrainingMethod, select_rule_set
from desktop.domain.roster import SizeClass
from desktop.reports.grant_sheet_data import (
    WORKSHEET_NOTICE,
    GrantSheetData,
    SheetEstablishment,
    SheetKind,
    SheetTrainee,
)
from desktop.reports.grant_sheets import grant_sheets_pdf, write_grant_sheets
from desktop.reports.pdf_common import PdfError
from desktop.store.grant_rule_store import bundled_rule_sets
from tests.reports import assert_fonts_embedded, assert_no_missing_glyphs, page_count, pdf_text
from tests.reports.test_plan_sheet import assert_inside_the_frame, joined, page_size, raw_text

MADE_ON = date(2026, 4, 20)
START, END = date(2026, 6, 1), date(2026, 8, 31)
FAMILIES = ["髙橋", "山田", "佐藤", "鈴木", "田中", "伊藤", "渡辺", "中村", "小林", "加藤"]
GIVEN = [
    ("花子", "ハナコ"),
    ("太郎", "タロウ"),
    ("一郎", "イチロウ"),
    ("美咲", "ミサキ"),
    ("健太", "ケンタ"),
    ("翔", "ショウ"),
]
KANA = [
    "タカハシ",
    "ヤマダ",
    "サトウ",
    "スズキ",
    "タナカ",
    "イトウ",
    "ワタナベ",
    "ナカムラ",
    "コバヤシ",
    "カトウ",
]
ALL = tuple(SheetKind)


def trainee(n: int, hours: str = "150", **changes: object) -> SheetTrainee:
    """The n-th trainee (from 0): a unique name for up to 60, an insured number with a leading zero."""
    given, given_kana = GIVEN[n // len(FAMILIES) % len(GIVEN)]
    made = SheetTrainee(
        number=f"A{n + 1:04d}",
        name=f"{FAMILIES[n % len(FAMILIES)]} {given}",
        furigana=f"{KANA[n % len(KANA)]} {given_kana}",
        insured_number=f"01{n:08d}{n % 10}",
        employment=EmploymentType.REGULAR,
        wage_hours=Decimal(hours),
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def eight() -> tuple[SheetTrainee, ...]:
    """8 trainees: No.4 asks the wage subsidy for fewer hours, No.6 has no insured number, No.7 is 有期."""
    people = [trainee(n) for n in range(8)]
    people[3] = trainee(3, "120")
    people[5] = trainee(5, insured_number="")
    people[6] = trainee(6, employment=EmploymentType.FIXED_TERM)
    return tuple(people)


def sheet_data(
    trainees: tuple[SheetTrainee, ...] | None = None,
    *,
    method: TrainingMethod = TrainingMethod.CLASSROOM,
    start: date = START,
    end: date = END,
    hours: str = "150",
    fee: int = 600_000,
    used_before: int = 0,
    size: SizeClass = SizeClass.SME,
    **changes: object,
) -> GrantSheetData:
    """Sheet data as the store would give it, estimated by the real domain functions."""
    people = eight() if trainees is None else trainees
    rules = select_rule_set(bundled_rule_sets(), start)
    months = subscription_months(start, end) if method is TrainingMethod.SUBSCRIPTION else Fraction(1)
    terms = TrainingTerms(size, method, Decimal(hours), fee, start, months)
    estimate = estimate_plan(rules, terms, [TraineeInput(t.name, t.wage_hours) for t in people], used_before)
    data = GrantSheetData(
        plan_id=7,
        establishment=SheetEstablishment(
            name="株式会社みどり精機",
            office_number="1301-123456-7",
            corporate_number="7000012050002",
            size=size,
            main_business="金属製品製造業",
            labour_bureau="群馬労働局",
            contact_name="総務課 佐藤 花子",
            contact_phone="027-123-4567",
        ),
        title="製造現場のデータ分析実践講座",
        provider="ぐんまDX研修センター",
        method=method,
        start=start,
        end=end,
        hours=Decimal(hours),
        fee=fee,
        status=GrantPlanStatus.DRAFT,
        trainees=people,
        estimate=estimate,
        no_rule_reason=None,
        notice=notice_window(start),
        claim=claim_window(end),
        made_on=MADE_ON,
        made_by="群馬県 産業人材課",
    )
    return replace(data, **changes)  # type: ignore[arg-type]


def pages(path: Path) -> list[str]:
    return [pdf_text(path, page) for page in range(1, page_count(path) + 1)]


# --- what each sheet prints ---------------------------------------------------------------------


def test_summary_follows_the_plan_notice_establishment_training_windows_estimate(tmp_path: Path) -> None:
    path = tmp_path / "概要.pdf"
    data = sheet_data()
    write_grant_sheets(path, data, [SheetKind.SUMMARY])
    text = pdf_text(path)

    assert page_count(path) == 1
    assert "人材開発支援助成金 記入シート（訓練計画の概要）" in text
    assert joined(WORKSHEET_NOTICE) in joined(text)
    labels = [
        "事業所の名称",
        "雇用保険適用事業所番号",
        "法人番号",
        "企業規模",
        "主たる事業",
        "管轄労働局",
        "担当者",
    ]
    labels += ["訓練コース名", "実施機関", "訓練の方法", "訓練の期間", "訓練時間", "受講料", "受講者数"]
    labels += ["計画届の提出期間", "支給申請の期間", "計画の状況", "助成見込額", "適用したルールセット"]
    positions = [text.index(label) for label in labels]
    assert positions == sorted(positions)  # the order of the 計画届
    assert re.search(r"雇用保険適用事業所番号\s+1301-123456-7", text)
    assert re.search(r"法人番号\s+7000012050002", text)
    for expected in (
        "株式会社みどり精機",
        "中小企業",
        "金属製品製造業",
        "群馬労働局",
        "総務課 佐藤 花子",
        "027-123-4567",
    ):
        assert expected in text
    assert "製造現場のデータ分析実践講座" in text and "ぐんまDX研修センター" in text and "通学制" in text
    assert "令和8年6月1日（2026-06-01） 〜 令和8年8月31日（2026-08-31）" in text
    assert re.search(r"訓練時間\s+150時間", text)
    assert re.search(r"受講料（1人あたり）\s+600,000円", text)
    assert "8人（正規 7人・有期 1人）" in text
    assert "令和7年12月1日〜令和8年5月1日" in text  # 計画届: 6 months to 1 month before the start
    assert "令和8年9月1日〜令和8年10月31日" in text  # 支給申請: 2 months from the day after the end
    assert re.search(r"計画の状況\s+作成中", text)
    # 7 × (400,000 + 150,000) + (400,000 + 120,000)
    assert re.search(r"助成見込額\s+4,370,000円", text)
    assert "経費助成 3,200,000円・賃金助成 1,170,000円" in text
    assert "reskilling-r7-04" in text
    assert re.search(
        r"作成日 令和8年4月20日\s+株式会社みどり精機\s+製造現場のデータ分析実践講座\s+1 / 1", text
    )
    assert_no_missing_glyphs(text)


def test_trainee_list_has_every_trainee_their_insured_number_and_a_total(tmp_path: Path) -> None:
    path = tmp_path / "受講者.pdf"
    data = sheet_data()
    write_grant_sheets(path, data, [SheetKind.TRAINEES])
    text = pdf_text(path)

    assert "記入シート（受講者一覧）" in text and joined(WORKSHEET_NOTICE) in joined(text)
    assert re.search(r"No\s+氏名\s+フリガナ\s+雇用保険被保険者番号\s+雇用形態\s+賃金助成の対象時間", text)
    assert re.search(r"1\s+髙橋 花子\s+タカハシ ハナコ\s+0100-000000-0\s+正規\s+150時間", text)
    assert re.search(r"4\s+鈴木 花子\s+スズキ ハナコ\s+0100-000003-3\s+正規\s+120時間", text)
    assert re.search(r"6\s+伊藤 花子\s+イトウ ハナコ\s+未入力\s+正規\s+150時間", text)
    assert re.search(r"7\s+渡辺 花子\s+ワタナベ ハナコ\s+0100-000006-6\s+有期\s+150時間", text)
    assert re.search(r"合計\s+8人（正規 7人・有期 1人）\s+1170時間", text)
    assert "訓練計画の概要" not in text and "助成額の計算" not in text
    assert_no_missing_glyphs(text)


def test_calculation_prints_every_step_once_per_distinct_list_with_the_rule(tmp_path: Path) -> None:
    path = tmp_path / "計算.pdf"
    data = sheet_data(used_before=1_200_000)
    write_grant_sheets(path, data, [SheetKind.CALCULATION])
    text = pdf_text(path)
    flat = joined(raw_text(path))

    assert "記入シート（助成額の計算）" in text
    assert "reskilling-r7-04" in text and joined("厚生労働省「人材開発支援助成金") in flat
    # Two lists of steps: seven trainees on the training's hours, No.4 on fewer.
    assert text.count("1人あたりの助成見込額") == 2
    others = "、".join(f"No.{n + 1}{trainee(n).name}" for n in (0, 1, 2, 4, 5, 6, 7))
    assert joined(f"計算1対象:{others}（7人）") in flat
    assert joined("計算2対象:No.4鈴木 花子（1人）") in flat
    assert re.search(r"経費助成（上限適用前）\s+受講料 600,000円 × 75%（1円未満切り捨て）\s+450,000円", text)
    assert re.search(r"経費助成額\s+450,000円 と 400,000円 の少ない方\s+400,000円", text)
    assert "150時間 × 1,000円（1円未満切り捨て）" in text and "120時間 × 1,000円（1円未満切り捨て）" in text
    assert re.search(r"1人あたりの助成見込額\s+400,000円 ＋ 150,000円\s+550,000円", text)
    assert re.search(r"1人あたりの助成見込額\s+400,000円 ＋ 120,000円\s+520,000円", text)
    assert "経費助成の上限（100時間以上200時間未満・中小企業）" in flat
    # Each trainee's figures, then the plan against the annual cap.
    assert re.search(r"氏名\s+計算\s+経費助成\s+賃金助成\s+小計\s+年度上限による減額\s+見込額", text)
    assert re.search(r"4\s+鈴木 花子\s+計算2\s+400,000円\s+120,000円\s+520,000円\s+0円\s+520,000円", text)
    assert re.search(r"合計\s+8人\s+3,200,000円\s+1,170,000円\s+4,370,000円\s+0円\s+4,370,000円", text)
    assert re.search(r"同じ年度の他の計画の見込額\s+1,200,000円", text)
    assert re.search(r"年度内の合計（この計画を含む）\s+5,570,000円", text)
    assert re.search(r"事業所の年度上限\s+100,000,000円", text)
    assert "100,000,000円 − 1,200,000円" in text
    assert "この金額は見込みです。支給の可否と金額は労働局の審査で決まります。" in flat
    assert_no_missing_glyphs(text)


def test_identical_terms_print_their_steps_once(tmp_path: Path) -> None:
    path = tmp_path / "同じ条件.pdf"
    write_grant_sheets(path, sheet_data(tuple(trainee(n) for n in range(5))), [SheetKind.CALCULATION])
    text = pdf_text(path)
    assert text.count("1人あたりの助成見込額") == 1
    assert "受講者全員（5人）に同じ計算が当てはまります。" in text


def test_subscription_fee_is_monthly_and_has_no_wage_subsidy(tmp_path: Path) -> None:
    path = tmp_path / "定額制.pdf"
    data = sheet_data(
        tuple(trainee(n, "40") for n in range(8)),
        method=TrainingMethod.SUBSCRIPTION,
        start=date(2026, 6, 15),
        end=date(2026, 9, 30),
        hours="40",
        fee=30_000,
    )
    write_grant_sheets(path, data, ALL)
    text = pdf_text(path)
    flat = joined(raw_text(path))
    assert "月額 30,000円（定額制サービス・利用 3か月と8/15か月）" in text
    assert re.search(r"賃金助成額\s+定額制サービスは対象外\s+0円", text)
    assert joined("定額制サービスの訓練には賃金助成が支給されません（通学制・同時双方向型のみ）。") in flat
    # 30,000 × (3 + 8/15) × 75% = 79,500 over the cap 20,000 × (3 + 8/15) = 70,666
    assert re.search(r"経費助成の上限額\s+20,000円 × 3か月と8/15か月\s+70,666円", text)
    assert re.search(r"助成見込額\s+565,328円", text)
    assert (
        text.count("定額制サービスの訓練には賃金助成が支給されません") == 1
    )  # the note once, not per trainee


def test_the_annual_cap_cut_is_shown_on_the_trainee_it_reaches(tmp_path: Path) -> None:
    path = tmp_path / "上限.pdf"
    data = sheet_data(used_before=100_000_000 - 1_000_000)
    write_grant_sheets(path, data, ALL)
    text = pdf_text(path)
    # 1,000,000 left: No.1 gets 550,000, No.2 the remaining 450,000, the rest nothing.
    assert re.search(
        r"2\s+山田 花子\s+計算1\s+400,000円\s+150,000円\s+550,000円\s+100,000円\s+450,000円", text
    )
    assert re.search(r"3\s+佐藤 花子\s+計算1\s+400,000円\s+150,000円\s+550,000円\s+550,000円\s+0円", text)
    assert re.search(r"助成見込額\s+1,000,000円\s*（年度上限の適用前 4,370,000円）", text)
    assert "山田花子さんの分から減額しています" in joined(raw_text(path))


def test_without_a_rule_set_the_sheets_say_why(tmp_path: Path) -> None:
    path = tmp_path / "ルールなし.pdf"
    reason = "2027-05-01に開始する訓練に当てはまる助成金のルールセットがありません。"
    write_grant_sheets(path, sheet_data(estimate=None, no_rule_reason=reason), ALL)
    text = pdf_text(path)
    assert re.search(r"助成見込額\s+計算できません", text)
    assert text.count(reason) == 2  # on the summary and on the calculation
    assert "1人あたりの助成見込額" not in text
    assert "髙橋 花子" in text  # the trainee list is there all the same


def test_an_ineligible_training_says_why_on_the_summary(tmp_path: Path) -> None:
    path = tmp_path / "対象外.pdf"
    write_grant_sheets(path, sheet_data(hours="8", trainees=tuple(trainee(n, "8") for n in range(2))), ALL)
    text = pdf_text(path)
    assert re.search(r"助成見込額\s+0円", text)
    assert re.search(r"対象外の理由\s+訓練時間が10時間未満（8時間）のため、助成の対象になりません。", text)


# --- pages, fonts and files ---------------------------------------------------------------------


def test_fonts_are_embedded_and_pages_a4_portrait(tmp_path: Path) -> None:
    path = tmp_path / "fonts.pdf"
    write_grant_sheets(path, sheet_data(), ALL)
    assert_fonts_embedded(path)
    assert page_size(path) == "595.276 x 841.89 pts (A4)"
    assert_no_missing_glyphs(pdf_text(path))


def test_sixty_trainees_run_onto_pages_that_repeat_the_header_and_the_notice(tmp_path: Path) -> None:
    path = tmp_path / "60人.pdf"
    people = tuple(trainee(n, "120" if n == 30 else "150") for n in range(60))
    write_grant_sheets(path, sheet_data(people), ALL)
    texts = pages(path)

    assert 4 <= len(texts) <= 8  # one list of steps per distinct terms, not one per trainee
    for number, text in enumerate(texts, 1):
        assert joined(WORKSHEET_NOTICE) in joined(text), f"page {number} lacks the notice"
        assert re.search(rf"{number} / {len(texts)}\s*$", text, re.M)
        assert re.search(r"作成日 令和8年4月20日\s+株式会社みどり精機\s+製造現場のデータ分析実践講座", text)
    listed = [text for text in texts if "受講者一覧" in text]
    assert len(listed) >= 2
    assert "記入シート（受講者一覧）（続き）" in listed[1]
    for text in listed:
        assert re.search(r"No\s+氏名\s+フリガナ\s+雇用保険被保険者番号", text)
    names = joined("".join(listed))
    assert all(joined(person.name) in names for person in people)
    assert re.search(r"合計\s+60人（正規 60人）\s+8970時間", listed[-1])
    calculation = "".join(text for text in texts if "助成額の計算" in text)
    assert calculation.count("1人あたりの助成見込額") == 2
    assert_inside_the_frame(path)


def test_kinds_pick_the_sheets_and_their_order(tmp_path: Path) -> None:
    path = tmp_path / "選択.pdf"
    write_grant_sheets(path, sheet_data(), [SheetKind.CALCULATION, SheetKind.SUMMARY])
    texts = pages(path)
    assert "記入シート（助成額の計算）" in texts[0]
    assert "記入シート（訓練計画の概要）" in texts[-1]
    assert not any("受講者一覧" in text for text in texts)
    with pytest.raises(ValueError, match="印刷するシートがありません"):
        write_grant_sheets(tmp_path / "空.pdf", sheet_data(), [])
    assert not (tmp_path / "空.pdf").exists()


def test_each_sheet_starts_on_a_new_page_and_reports_progress(tmp_path: Path) -> None:
    path = tmp_path / "進捗.pdf"
    done: list[int] = []
    write_grant_sheets(path, sheet_data(), ALL, progress=done.append)
    assert done == [1, 2, 3]
    texts = pages(path)
    starts = [n for n, text in enumerate(texts) if "（続き）" not in text]
    assert len(starts) == 3 and starts[0] == 0


def test_long_names_wrap_inside_the_page(tmp_path: Path) -> None:
    path = tmp_path / "長い.pdf"
    long_name = "寿限無寿限無五劫の擦り切れ海砂利水魚の水行末雲来末風来末"
    office = replace(
        sheet_data().establishment, name="みどり精機・あおば製作所・ひかり工業 協同組合連合会（広域連携）" * 2
    )
    data = sheet_data(
        (trainee(0, name=long_name, furigana="ジュゲム" * 8), *eight()[1:]),
        title="【2026年版】製造現場のためのデータ分析実践講座：IoTデータ収集から品質改善・予知保全まで完全網羅"
        * 2,
        establishment=office,
    )
    write_grant_sheets(path, data, ALL)
    flat = joined(raw_text(path))
    assert joined(long_name) in flat and joined(data.title) in flat and joined(office.name) in flat
    assert_inside_the_frame(path)


def test_the_pdf_as_bytes_is_the_same_document(tmp_path: Path) -> None:
    data = sheet_data()
    path = tmp_path / "bytes.pdf"
    path.write_bytes(grant_sheets_pdf(data, [SheetKind.TRAINEES]))
    assert page_count(path) == 1 and "髙橋 花子" in pdf_text(path)


def test_an_unwritable_path_is_a_pdf_error_and_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(PdfError, match=r"x\.pdf に書き込めません"):
        write_grant_sheets(tmp_path / "ない" / "x.pdf", sheet_data(), ALL)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_replace_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "記入シート.pdf"
    path.write_bytes(b"last month's print")

    def locked(source: object, target: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(PdfError, match="PDFビューア"):
        write_grant_sheets(path, sheet_data(), ALL)
    assert path.read_bytes() == b"last month's print"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_cancelling_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "中止.pdf"

    def cancel_at_two(done: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_grant_sheets(path, sheet_data(), ALL, progress=cancel_at_two)
    assert list(tmp_path.iterdir()) == []


def test_a_plan_without_trainees_still_prints(tmp_path: Path) -> None:
    path = tmp_path / "受講者なし.pdf"
    write_grant_sheets(path, sheet_data(()), ALL)
    text = pdf_text(path)
    assert "（受講者はまだいません）" in text and "受講者がいないため、計算はありません。" in text
    assert re.search(r"受講者数\s+0人", text) and re.search(r"助成見込額\s+0円", text)
