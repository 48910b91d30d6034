"""The roster models against Qt's own model checker, through filter and sort changes."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester

from desktop.domain.demo_roster import generate_demo_roster
from desktop.domain.roster import LearnerStatus
from desktop.store.roster_service import RosterRow
from desktop.ui.roster_model import (
    COL_FURIGANA,
    COL_NAME,
    COLUMNS,
    ROW_ROLE,
    RosterFilter,
    RosterProxyModel,
    RosterTableModel,
)


def demo_rows(count: int = 120) -> list[RosterRow]:
    roster = generate_demo_roster(count=count, seed=7)
    return [
        RosterRow(
            id=i,
            organization_id=1 if learner.organization == roster.organizations[0].name else 2,
            organization=learner.organization,
            number=learner.number,
            name=learner.name,
            furigana=learner.furigana,
            email=learner.email,
            department_id=None,
            department=learner.department or "",
            job_title=learner.job_title,
            kind=learner.kind,
            role=learner.role,
            status=learner.status,
            version=1,
        )
        for i, learner in enumerate(roster.learners, start=1)
    ]


def test_source_model_passes_qtmodeltester(qtmodeltester: ModelTester) -> None:
    model = RosterTableModel()
    model.set_rows(demo_rows())
    qtmodeltester.check(model, force_py=True)
    assert model.headerData(0, Qt.Orientation.Horizontal) == "受講者番号"
    assert model.columnCount() == len(COLUMNS)


def _with(row: RosterRow, **changes: object) -> RosterRow:
    return row._replace(**changes)


def test_proxy_passes_qtmodeltester_through_changes(qtmodeltester: ModelTester) -> None:
    source = RosterTableModel()
    proxy = RosterProxyModel()
    proxy.setSourceModel(source)
    qtmodeltester.check(proxy, force_py=True)
    rows = demo_rows()
    source.set_rows(rows)
    proxy.set_filter(RosterFilter(text="ア"))
    proxy.sort(COL_NAME, Qt.SortOrder.DescendingOrder)
    proxy.set_filter(RosterFilter(show_retired=True))
    source.upsert(_with(rows[3], status=LearnerStatus.RETIRED, version=2))
    source.upsert(_with(rows[4], id=10_000, number="NEW-1"))
    source.remove(rows[0].id)
    assert proxy.rowCount() == len(rows)


def test_proxy_maps_both_ways() -> None:
    source = RosterTableModel()
    proxy = RosterProxyModel()
    proxy.setSourceModel(source)
    source.set_rows(demo_rows(50))
    for proxy_row in range(proxy.rowCount()):
        index = proxy.index(proxy_row, COL_FURIGANA)
        source_index = proxy.mapToSource(index)
        assert proxy.mapFromSource(source_index) == index
        assert proxy.data(index) == source.data(source_index)
        assert proxy.data(index, ROW_ROLE).furigana == proxy.data(index)
    assert proxy.mapToSource(QModelIndex()) == QModelIndex()


def test_edited_learner_moves_to_its_new_place_and_filters_apply() -> None:
    source = RosterTableModel()
    proxy = RosterProxyModel()
    proxy.setSourceModel(source)
    source.set_rows([_with(row, status=LearnerStatus.ACTIVE) for row in demo_rows(30)])
    top = proxy.row_at(0)
    source.upsert(_with(top, furigana="ン", version=2))
    assert proxy.row_at(proxy.rowCount() - 1).id == top.id
    source.upsert(_with(top, status=LearnerStatus.RETIRED, version=3))
    assert proxy.proxy_row_of(top.id) == -1
    assert proxy.rowCount() == 29
