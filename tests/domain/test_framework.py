"""Framework files are checked in full: every problem names its place, nothing half-valid is used."""

from __future__ import annotations

import json
from typing import Any

import pytest

from desktop.domain.framework import FrameworkError, ItemKind, framework_from_data
from desktop.resources import resource_path
from tests.domain.framework_data import small_data, small_framework


def problems_of(data: Any) -> list[str]:
    with pytest.raises(FrameworkError) as caught:
        framework_from_data(data, "office.json")
    message = str(caught.value)
    assert message.startswith("office.json の診断フレームワークに")
    return [p.format("office.json") for p in caught.value.problems]


def test_the_bundled_framework_is_valid_and_has_the_promised_shape() -> None:
    data = json.loads(resource_path("frameworks", "municipal_dx.json").read_text(encoding="utf-8"))
    framework = framework_from_data(data, "municipal_dx.json")

    assert 40 <= len(framework.items) <= 60
    kinds = {item.kind for item in framework.items}
    assert kinds == {ItemKind.SELF, ItemKind.KNOWLEDGE}
    names = [c.name for c in framework.categories]
    for expected in ("マインド・スタンス", "データ", "デジタル技術", "業務改善・BPR", "生成AIの利活用"):
        assert any(expected in name for name in names), expected
    assert [r.name for r in framework.roles] == [
        "一般職員",
        "事業系デジタル人材",
        "ICT系デジタル人材",
        "DX推進リーダー",
    ]
    for category in framework.categories:
        assert framework.items_of(category.id), category.id


def test_round_trip_through_data_keeps_everything() -> None:
    framework = small_framework()
    again = framework_from_data(framework.to_data(), "again")
    assert again == framework
    assert again.content_hash() == framework.content_hash()


def test_content_hash_ignores_the_version_number_but_not_the_questions() -> None:
    first = small_framework()
    assert small_framework(version=5).content_hash() == first.content_hash()
    data = small_data()
    data["items"][0]["text"] = "ピボットテーブルで集計できる"
    assert framework_from_data(data, "x").content_hash() != first.content_hash()


def test_an_unknown_category_and_a_bad_answer_are_both_reported_with_the_item() -> None:
    data = small_data()
    data["items"][0]["category"] = "nothing"
    data["items"][2]["answer"] = 5
    problems = problems_of(data)
    assert "office.json: 設問 D-01: 分類「nothing」がありません。" in problems
    assert "office.json: 設問 D-K1: 正解（answer）は1〜4の番号で書いてください。" in problems


def test_duplicate_ids_missing_targets_and_unknown_target_categories() -> None:
    data = small_data()
    data["items"][1]["id"] = "D-01"
    del data["roles"][0]["targets"]["sec"]
    data["roles"][1]["targets"]["cloud"] = 2
    problems = problems_of(data)
    assert "office.json: 設問 D-01: 設問のID「D-01」が重複しています。" in problems
    assert "office.json: 役割 general: 分類「sec」の到達目標がありません。" in problems
    assert "office.json: 役割 leader: 到達目標の分類「cloud」がありません。" in problems


def test_a_target_outside_the_scale_and_a_category_without_items() -> None:
    data = small_data()
    data["roles"][0]["targets"]["data"] = 7
    data["items"] = [i for i in data["items"] if i["category"] != "bpr"]
    problems = problems_of(data)
    assert "office.json: 役割 general: 分類「data」の到達目標 7 は尺度にありません。" in problems
    assert "office.json: 分類 bpr: この分類の設問がありません。" in problems


def test_knowledge_items_need_choices_and_thresholds_must_rise() -> None:
    data = small_data()
    data["items"][2]["choices"] = ["only one"]
    data["knowledge_thresholds"][2]["min_share"] = 0.4
    problems = problems_of(data)
    assert "office.json: 設問 D-K1: 選択肢（choices）は2〜9個の文字列で書いてください。" in problems
    assert any("正答率とレベルは小さい順に" in p for p in problems)


def test_a_scale_with_holes_and_a_wrong_format_marker() -> None:
    data = small_data()
    data["scale"][2]["level"] = 5
    data["format"] = "excel"
    problems = problems_of(data)
    assert any("連続した整数" in p for p in problems)
    assert any(p.startswith("office.json: format:") for p in problems)


def test_not_a_mapping_at_all() -> None:
    assert problems_of(["not", "a", "framework"]) == [
        "office.json: ファイル全体: 診断フレームワークの形式ではありません。"
    ]


def test_roles_are_found_by_name_or_id_with_spaces_ignored() -> None:
    framework = small_framework()
    assert framework.find_role("DX推進 リーダー") is framework.roles[1]
    assert framework.find_role("general") is framework.roles[0]
    assert framework.find_role("課長") is None
