"""Header-click sorting for the diagnosis tables: learners by 番号 value and by フリガナ, levels by value."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from desktop.domain.text import reading_sort_keys

T = TypeVar("T")


def number_order(number: str) -> str:
    # Numbers of different lengths sort by value where they are numeric, as in the 名簿.
    return f"{len(number):03d}{number}"


def reading_keys(readings: Sequence[str], names: Sequence[str]) -> list[tuple[tuple[str, str], str]]:
    """フリガナ order (JIS X 4061), the name breaking ties; one batch call for the whole list."""
    return list(zip(reading_sort_keys(list(readings)), names, strict=True))


def sorted_rows(
    rows: Sequence[T], key: Callable[[T], Any], order: Qt.SortOrder, *, keep_last: bool = False
) -> list[T]:
    """Rows ordered by key (stable); a 全体 row kept at the bottom whichever way."""
    body = list(rows[:-1] if keep_last and rows else rows)
    body.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
    return [*body, rows[-1]] if keep_last and rows else body


def make_sortable(table: QTableView) -> None:
    """Header clicks sort; nothing is sorted until the user asks, so lists open in 所属・番号 order."""
    header = table.horizontalHeader()
    header.setSortIndicatorShown(True)
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    header.setSectionsClickable(True)
    header.sortIndicatorChanged.connect(lambda column, order: table.model().sort(column, order))
    # Fitting columns reads every role of the first 1,000 rows by default: a second at 50,000 learners.
    header.setResizeContentsPrecision(100)


def keep_sorted(table: QTableView) -> None:
    """Fresh rows keep the order the user chose."""
    header = table.horizontalHeader()
    if header.sortIndicatorSection() >= 0:
        table.model().sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
