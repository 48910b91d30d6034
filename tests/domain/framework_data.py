"""A small framework for tests: two groups, three categories, both item kinds, two roles."""

from __future__ import annotations

import copy
from typing import Any

from desktop.domain.framework import Framework, framework_from_data

SMALL: dict[str, Any] = {
    "format": "manabi-framework",
    "format_version": 1,
    "code": "test-fw",
    "name": "テスト診断",
    "version": 1,
    "description": "テスト用",
    "scale": [
        {"level": 1, "label": "知らない"},
        {"level": 2, "label": "知っている"},
        {"level": 3, "label": "できる"},
        {"level": 4, "label": "教えられる"},
    ],
    "knowledge_thresholds": [
        {"min_share": 0, "level": 1},
        {"min_share": 0.5, "level": 2},
        {"min_share": 0.75, "level": 3},
        {"min_share": 1, "level": 4},
    ],
    "groups": [{"id": "lit", "name": "リテラシー"}, {"id": "muni", "name": "自治体業務"}],
    "categories": [
        {"id": "data", "group": "lit", "name": "データ"},
        {"id": "sec", "group": "lit", "name": "セキュリティ"},
        {"id": "bpr", "group": "muni", "name": "業務改善"},
    ],
    "items": [
        {"id": "D-01", "category": "data", "kind": "self", "text": "表計算で集計できる"},
        {"id": "D-02", "category": "data", "kind": "self", "text": "グラフで示せる"},
        {
            "id": "D-K1",
            "category": "data",
            "kind": "knowledge",
            "text": "平均とは",
            "choices": ["a", "b", "c", "d"],
            "answer": 2,
        },
        {
            "id": "D-K2",
            "category": "data",
            "kind": "knowledge",
            "text": "中央値とは",
            "choices": ["a", "b", "c"],
            "answer": 3,
        },
        {
            "id": "S-K1",
            "category": "sec",
            "kind": "knowledge",
            "text": "多要素認証とは",
            "choices": ["a", "b"],
            "answer": 1,
        },
        {"id": "B-01", "category": "bpr", "kind": "self", "text": "業務を図にできる"},
    ],
    "roles": [
        {"id": "general", "name": "一般職員", "description": "", "targets": {"data": 2, "sec": 3, "bpr": 2}},
        {
            "id": "leader",
            "name": "DX推進リーダー",
            "description": "",
            "targets": {"data": 3, "sec": 3, "bpr": 4},
        },
    ],
}


def small_data() -> dict[str, Any]:
    return copy.deepcopy(SMALL)


def small_framework(**overrides: Any) -> Framework:
    data = small_data()
    data.update(overrides)
    return framework_from_data(data, "test.json")
