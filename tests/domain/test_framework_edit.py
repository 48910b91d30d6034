"""Editing a framework in its file shape keeps its references true."""

from __future__ import annotations

from desktop.domain.framework import framework_from_data
from desktop.domain.framework_edit import (
    align_targets,
    copy_as_new,
    free_id,
    rename_categories,
    rename_groups,
    without_editor_keys,
)
from tests.domain.framework_data import small_data


def test_a_renamed_category_is_renamed_in_items_and_targets_and_the_result_is_valid() -> None:
    data = small_data()
    data["categories"][0]["id"] = "data-use"
    rename_categories(data, {"data": "data-use", "sec": "sec"})
    assert {i["category"] for i in data["items"] if i["id"].startswith("D-")} == {"data-use"}
    assert data["roles"][1]["targets"] == {"data-use": 3, "sec": 3, "bpr": 4}
    framework_from_data(data, "edit")  # no problem left behind


def test_a_renamed_group_is_followed_by_its_categories() -> None:
    data = small_data()
    data["groups"][0]["id"] = "literacy"
    rename_groups(data, {"lit": "literacy"})
    assert [c["group"] for c in data["categories"]] == ["literacy", "literacy", "muni"]
    framework_from_data(data, "edit")


def test_targets_follow_the_categories_a_new_one_starting_at_the_lowest_level() -> None:
    data = small_data()
    data["categories"] = [c for c in data["categories"] if c["id"] != "bpr"]
    data["categories"].append({"id": "ai", "group": "lit", "name": "生成AI"})
    align_targets(data)
    assert data["roles"][0]["targets"] == {"data": 2, "sec": 3, "ai": 1}


def test_free_ids_skip_those_in_use() -> None:
    assert free_id(["Q-01", "Q-02", "Q-04"], "Q") == "Q-03"
    assert free_id([], "role") == "role-01"


def test_a_copy_is_a_first_version_under_a_new_code_and_the_original_is_untouched() -> None:
    data = small_data()
    copied = copy_as_new(data, "minato-dx", "みなと市DX診断")
    copied["items"][0]["text"] = "変更"
    assert (copied["code"], copied["name"], copied["version"]) == ("minato-dx", "みなと市DX診断", 1)
    assert data["items"][0]["text"] == "表計算で集計できる" and data["code"] == "test-fw"


def test_editor_bookkeeping_is_dropped_at_every_depth() -> None:
    assert without_editor_keys({"id": "a", "_was": "b", "x": [{"_was": 1, "y": 2}]}) == {
        "id": "a",
        "x": [{"y": 2}],
    }
