"""The in-app framework editor: targets, items, categories and scale, checked in full before saving.

It edits a working copy in the framework file's own shape; each tab shows part
of it and hands its part back when another tab is shown or the user saves.
Saving goes through FrameworkService, which stores a new version when the
framework has answers, so earlier results keep the version they were answered on.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.framework import FrameworkError, FrameworkProblem, ItemKind, framework_from_data
from desktop.domain.framework_edit import (
    align_targets,
    free_id,
    rename_categories,
    rename_groups,
    without_editor_keys,
)
from desktop.store.errors import UserFacingError
from desktop.store.framework_service import FrameworkSaved, FrameworkService
from desktop.ui.forms import child, load_form
from desktop.ui.record_table import Column, RecordTable

SOURCE_EDITOR = "画面で編集"
EDITING = "編集中のフレームワーク"
BASIC, CATEGORIES, ITEMS, ROLES = range(4)
_WAS = "_was"  # the id a row had when its tab was shown, to follow renames
# Top-level places are named by their JSON key in file errors; the editor names its own fields.
_FIELD_NAMES = {"code": "コード", "name": "名称", "version": "版", "description": "説明", "format": "形式"}
_KINDS = [(kind.label, kind.value) for kind in ItemKind]


def _table(form: QWidget, host_name: str) -> RecordTable:
    host = child(form, QWidget, host_name)
    layout = QVBoxLayout(host)
    layout.setContentsMargins(0, 0, 0, 0)
    table = RecordTable(host)
    layout.addWidget(table)
    return table


def _with_was(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**record, _WAS: record.get("id")} for record in records]


def _renames(records: Sequence[dict[str, Any]]) -> dict[str, str]:
    return {r[_WAS]: r["id"] for r in records if r.get(_WAS) and r.get("id")}


def _share(threshold: dict[str, Any]) -> float:
    exact = threshold.get("_share")
    if isinstance(exact, int | float) and round(exact * 100) == threshold["percent"]:
        return float(exact)
    return round(int(threshold["percent"]) / 100, 4)


class FrameworkEditor(QDialog):
    def __init__(
        self,
        service: FrameworkService,
        data: dict[str, Any],
        *,
        is_new: bool,
        answered: int,
        taken_codes: set[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._data = json.loads(json.dumps(data))
        self._original = self._fingerprint(self._data)
        self._is_new = is_new
        self._taken_codes = taken_codes
        self._filling_detail = False
        self.saved: FrameworkSaved | None = None
        self.setWindowTitle("診断フレームワークの新規作成" if is_new else "診断フレームワークの編集")
        self.resize(1080, 720)

        form = load_form("framework_editor.ui", self)
        self.tabs = child(form, QTabWidget, "tabs")
        self.code = child(form, QLineEdit, "codeEdit")
        self.name = child(form, QLineEdit, "nameEdit")
        self.description = child(form, QPlainTextEdit, "descriptionEdit")
        self.scale = _table(form, "scaleHost")
        self.thresholds = _table(form, "thresholdHost")
        self.groups = _table(form, "groupHost")
        self.categories = _table(form, "categoryHost")
        self.items = _table(form, "itemHost")
        self.roles = _table(form, "roleHost")
        self.targets = _table(form, "targetHost")
        self.targets_caption = child(form, QLabel, "targetsCaption")
        self._filling_targets = False
        self.knowledge_box = child(form, QGroupBox, "knowledgeBox")
        self.choices = child(form, QPlainTextEdit, "choicesEdit")
        self.answer = child(form, QSpinBox, "answerSpin")
        self.explanation = child(form, QLineEdit, "explanationEdit")
        self.problems_caption = child(form, QLabel, "problemsCaption")
        self.problems = child(form, QListWidget, "problemsList")
        buttons = child(form, QDialogButtonBox, "buttonBox")
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("保存(&S)")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("キャンセル")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        version = int(self._data.get("version", 1))
        note = child(form, QLabel, "versionNote")
        if is_new:
            note.setText("新しい診断フレームワークとして第1版を登録します。コードはあとから変えられません。")
        elif answered:
            note.setText(
                f"この版には回答済みの診断が {answered} 件あります。保存すると第{version + 1}版として登録され、"
                f"これまでの診断結果は第{version}版のまま残ります。"
            )
        else:
            note.setText(f"まだ回答がないため、保存するとこの版（第{version}版）をそのまま更新します。")
        self.code.setReadOnly(not is_new)

        self.scale.set_columns(
            [
                Column("level", "レベル", "int", read_only=True),
                Column("label", "呼び名"),
                Column("description", "説明", stretch=True),
            ]
        )
        self.thresholds.set_columns(
            [Column("percent", "正答率の下限（%）", "int"), Column("level", "レベル", "int")]
        )
        self.groups.set_columns([Column("id", "ID"), Column("name", "名称", stretch=True)])
        self._connect_buttons(form)
        self.items.currentCellChanged.connect(lambda *_: self._show_item_detail())
        self.items.on_changed = self._item_kind_changed
        self.groups.on_changed = self._groups_changed
        self.roles.set_columns(
            [Column("id", "ID"), Column("name", "名称"), Column("description", "説明", stretch=True)]
        )
        self.roles.on_changed = self._fill_targets
        self.targets.on_changed = self._targets_edited
        self.choices.textChanged.connect(self._detail_edited)
        self.answer.valueChanged.connect(lambda _v: self._detail_edited())
        self.explanation.textChanged.connect(lambda _t: self._detail_edited())
        self.problems.itemDoubleClicked.connect(self._go_to_problem)
        self.problems.itemActivated.connect(self._go_to_problem)
        self._show_problems([])

        self._shown = BASIC
        self._load_tab(BASIC)
        self.tabs.currentChanged.connect(self._tab_changed)

    # -- buttons ---------------------------------------------------------------------

    def _connect_buttons(self, form: QWidget) -> None:
        actions = {
            "addLevelButton": self._add_level,
            "removeLevelButton": self._remove_level,
            "addThresholdButton": lambda: self.thresholds.insert_record({"percent": 100, "level": 1}),
            "removeThresholdButton": self.thresholds.remove_current,
            "addGroupButton": lambda: self.groups.insert_record(
                {"id": free_id(self._column(self.groups, "id"), "group"), "name": "新しい大分類"}
            ),
            "removeGroupButton": self.groups.remove_current,
            "addCategoryButton": self._add_category,
            "removeCategoryButton": self._remove_category,
            "categoryUpButton": lambda: self.categories.move_current(-1),
            "categoryDownButton": lambda: self.categories.move_current(1),
            "addSelfButton": lambda: self._add_item(ItemKind.SELF),
            "addKnowledgeButton": lambda: self._add_item(ItemKind.KNOWLEDGE),
            "removeItemButton": self.items.remove_current,
            "itemUpButton": lambda: self.items.move_current(-1),
            "itemDownButton": lambda: self.items.move_current(1),
            "addRoleButton": self._add_role,
            "removeRoleButton": self.roles.remove_current,
        }
        for name, action in actions.items():
            child(form, QPushButton, name).clicked.connect(lambda _checked=False, act=action: act())

    @staticmethod
    def _column(table: RecordTable, key: str) -> list[str]:
        return [str(record.get(key) or "") for record in table.records()]

    def _add_level(self) -> None:
        levels = self.scale.records()
        top = max((int(r["level"]) for r in levels), default=0)
        self.scale.insert_record({"level": top + 1, "label": f"レベル{top + 1}", "description": ""})

    def _remove_level(self) -> None:
        if self.scale.rowCount() > 2:
            self.scale.selectRow(self.scale.rowCount() - 1)
            self.scale.remove_current()

    def _add_category(self) -> None:
        groups = self._data.get("groups", [])
        self.categories.insert_record(
            {
                "id": free_id(self._column(self.categories, "id"), "cat"),
                "group": groups[0]["id"] if groups else "",
                "name": "新しい分類",
                "description": "",
            }
        )

    def _remove_category(self) -> None:
        row = self.categories.currentRow()
        if row < 0:
            return
        record = self.categories.record(row)
        used = [
            i for i in self._data.get("items", []) if i.get("category") in (record.get(_WAS), record["id"])
        ]
        if used:
            answer = QMessageBox.question(
                self,
                "分類の削除",
                f"分類「{record['name']}」には設問が {len(used)} 問あります。分類と設問をまとめて削除しますか？",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            self._data["items"] = [i for i in self._data["items"] if not any(i is u for u in used)]
        self.categories.remove_current()

    def _add_item(self, kind: ItemKind) -> None:
        row = self.items.currentRow()
        category = self.items.record(row)["category"] if row >= 0 else None
        if category is None and self._data.get("categories"):
            category = self._data["categories"][0]["id"]
        record: dict[str, Any] = {
            "id": free_id(self._column(self.items, "id"), "Q"),
            "category": category,
            "kind": kind.value,
            "text": "",
        }
        if kind is ItemKind.KNOWLEDGE:
            record.update(choices=["選択肢1", "選択肢2", "選択肢3", "選択肢4"], answer=1, explanation="")
        self.items.insert_record(record, row + 1 if row >= 0 else None)
        self._show_item_detail()
        self.items.setFocus()

    def _add_role(self) -> None:
        lowest = min((int(s["level"]) for s in self._data.get("scale", [])), default=1)
        targets = {c["id"]: lowest for c in self._data.get("categories", [])}
        self.roles.insert_record(
            {
                "id": free_id(self._column(self.roles, "id"), "role"),
                "name": "新しい役割",
                "description": "",
                "targets": targets,
            }
        )

    # -- tabs: each shows its part of the working copy and hands it back -----------------

    def _tab_changed(self, index: int) -> None:
        self._store_tab(self._shown)
        self._shown = index
        self._load_tab(index)

    def _load_tab(self, index: int) -> None:
        data = self._data
        if index == BASIC:
            self.code.setText(str(data.get("code", "")))
            self.name.setText(str(data.get("name", "")))
            self.description.setPlainText(str(data.get("description", "")))
            self.scale.set_records(data.get("scale", []))
            self.thresholds.set_records(
                [
                    {
                        "percent": round(float(t.get("min_share", 0)) * 100),
                        "level": t.get("level"),
                        "_share": t.get("min_share"),  # kept exact unless the percent shown is changed
                    }
                    for t in data.get("knowledge_thresholds", [])
                ]
            )
        elif index == CATEGORIES:
            self.groups.set_records(_with_was(data.get("groups", [])))
            self._fill_categories(_with_was(data.get("categories", [])))
        elif index == ITEMS:
            self.items.set_columns(
                [
                    Column("id", "ID"),
                    Column(
                        "category",
                        "分類",
                        "choice",
                        [(c["name"], c["id"]) for c in data.get("categories", [])],
                    ),
                    Column("kind", "種類", "choice", _KINDS),
                    Column("text", "設問文", stretch=True),
                ]
            )
            self.items.set_records(data.get("items", []))
            if self.items.rowCount():
                self.items.selectRow(0)
            self._show_item_detail()
        elif index == ROLES:
            self.roles.set_records(data.get("roles", []))
            self._fill_targets()

    def _fill_categories(self, records: list[dict[str, Any]]) -> None:
        choices = [(str(g.get("name") or g.get("id")), g.get("id")) for g in self.groups.records()]
        self.categories.set_columns(
            [
                Column("id", "ID"),
                Column("group", "大分類", "choice", choices),
                Column("name", "名称"),
                Column("description", "説明", stretch=True),
            ]
        )
        self.categories.set_records(records)

    def _groups_changed(self) -> None:
        # A renamed or added 大分類 must be offered in the 分類 table's choices at once.
        groups = self.groups.records()
        renames = _renames(groups)
        categories = self.categories.records()
        for category in categories:
            group_id = str(category.get("group") or "")
            category["group"] = renames.get(group_id, group_id)
        for group in groups:
            group[_WAS] = group.get("id")
        self.groups.set_records(groups)
        self._fill_categories(categories)

    def _store_tab(self, index: int) -> None:
        data = self._data
        if index == BASIC:
            data["code"] = self.code.text().strip()
            data["name"] = self.name.text().strip()
            data["description"] = self.description.toPlainText().strip()
            data["scale"] = self.scale.records()
            data["knowledge_thresholds"] = [
                {"min_share": _share(t), "level": t["level"]} for t in self.thresholds.records()
            ]
        elif index == CATEGORIES:
            groups = self.groups.records()
            categories = self.categories.records()
            data["groups"] = without_editor_keys(groups)
            data["categories"] = without_editor_keys(categories)
            rename_groups(data, _renames(groups))
            rename_categories(data, _renames(categories))
            align_targets(data)
        elif index == ITEMS:
            items = []
            for record in self.items.records():
                if record.get("kind") == ItemKind.SELF.value:
                    for key in ("choices", "answer", "explanation"):
                        record.pop(key, None)
                else:
                    record.setdefault("choices", [])
                    record.setdefault("answer", 1)
                    record.setdefault("explanation", "")
                items.append(record)
            data["items"] = items
        elif index == ROLES:
            data["roles"] = self.roles.records()

    # -- targets: rows are 分類, columns are roles; each role record keeps its own targets ----

    def _fill_targets(self) -> None:
        if self._filling_targets:
            return
        roles = self.roles.records()
        levels = "、".join(f"{s['level']}＝{s['label']}" for s in self._data.get("scale", []))
        self.targets_caption.setText(f"分類ごとの到達目標レベル（セルを選んで数字キーで入力）: {levels}")
        self.targets.set_columns(
            [Column("name", "分類", read_only=True)]
            + [
                Column(f"role:{n}", str(role.get("name") or role.get("id")), "int")
                for n, role in enumerate(roles)
            ]
        )
        rows = []
        for category in self._data.get("categories", []):
            row: dict[str, Any] = {"id": category["id"], "name": category["name"]}
            for n, role in enumerate(roles):
                row[f"role:{n}"] = (role.get("targets") or {}).get(category["id"])
            rows.append(row)
        self.targets.set_records(rows)

    def _targets_edited(self) -> None:
        rows = self.targets.records()
        self._filling_targets = True  # writing targets back must not rebuild the table being edited
        try:
            for n in range(self.roles.rowCount()):
                self.roles.set_hidden(n, "targets", {row["id"]: row.get(f"role:{n}") for row in rows})
        finally:
            self._filling_targets = False

    # -- the knowledge item under the cursor ------------------------------------------------

    def _show_item_detail(self) -> None:
        row = self.items.currentRow()
        record = self.items.record(row) if row >= 0 else {}
        knowledge = record.get("kind") == ItemKind.KNOWLEDGE.value
        self._filling_detail = True
        try:
            self.choices.setPlainText("\n".join(record.get("choices") or []) if knowledge else "")
            self.answer.setValue(int(record.get("answer") or 1) if knowledge else 1)
            self.explanation.setText(str(record.get("explanation") or "") if knowledge else "")
        finally:
            self._filling_detail = False
        self.knowledge_box.setEnabled(knowledge)

    def _item_kind_changed(self) -> None:
        row = self.items.currentRow()
        if row < 0:
            return
        record = self.items.record(row)
        knowledge = record.get("kind") == ItemKind.KNOWLEDGE.value
        if knowledge != self.knowledge_box.isEnabled():
            if knowledge and not record.get("choices"):
                self.items.set_hidden(row, "choices", ["選択肢1", "選択肢2"])
            self._show_item_detail()

    def _detail_edited(self) -> None:
        row = self.items.currentRow()
        if self._filling_detail or row < 0 or not self.knowledge_box.isEnabled():
            return
        lines = [line.strip() for line in self.choices.toPlainText().splitlines() if line.strip()]
        self.items.set_hidden(row, "choices", lines)
        self.items.set_hidden(row, "answer", self.answer.value())
        self.items.set_hidden(row, "explanation", self.explanation.text().strip())

    # -- saving -------------------------------------------------------------------------

    def working_copy(self) -> dict[str, Any]:
        """The framework as edited so far, in its file shape."""
        self._store_tab(self._shown)
        result: dict[str, Any] = without_editor_keys(self._data)
        return result

    def save(self) -> None:
        data = self.working_copy()
        problems: list[FrameworkProblem] = []
        if self._is_new and data.get("code") in self._taken_codes:
            problems.append(
                FrameworkProblem(
                    "code", f"コード「{data['code']}」は既に使われています。別のコードにしてください。"
                )
            )
        try:
            framework = framework_from_data(data, EDITING)
        except FrameworkError as exc:
            problems.extend(exc.problems)
        if problems:
            self._show_problems(problems)
            return
        self._show_problems([])
        try:
            self.saved = self._service.save(framework, SOURCE_EDITOR)
        except UserFacingError as exc:
            QMessageBox.warning(self, "保存できません", exc.message)
            return
        self._original = self._fingerprint(data)
        QMessageBox.information(self, "保存しました", self.saved.message)
        self.accept()

    def _show_problems(self, problems: Sequence[FrameworkProblem]) -> None:
        self.problems.clear()
        for problem in problems:
            entry = QListWidgetItem(f"{_FIELD_NAMES.get(problem.where, problem.where)}: {problem.reason}")
            entry.setData(Qt.ItemDataRole.UserRole, problem.where)
            self.problems.addItem(entry)
        self.problems.setVisible(bool(problems))
        self.problems_caption.setVisible(bool(problems))
        if problems:
            self.problems.setCurrentRow(0)
            self.problems.setFocus()

    def _go_to_problem(self, entry: QListWidgetItem) -> None:
        where = str(entry.data(Qt.ItemDataRole.UserRole) or "")
        head, _, name = where.partition(" ")
        tab, table = {
            "設問": (ITEMS, self.items),
            "役割": (ROLES, self.roles),
            "分類": (CATEGORIES, self.categories),
            "大分類": (CATEGORIES, self.groups),
        }.get(head, (BASIC, None))
        self.tabs.setCurrentIndex(tab)
        if table is not None:
            row = table.find_row("id", name)
            if row >= 0:
                table.selectRow(row)
                table.setFocus()

    # -- leaving without losing work ------------------------------------------------------

    @staticmethod
    def _fingerprint(data: dict[str, Any]) -> str:
        return json.dumps(without_editor_keys(data), ensure_ascii=False, sort_keys=True)

    def has_unsaved_edits(self) -> bool:
        return self._fingerprint(self.working_copy()) != self._original

    def reject(self) -> None:
        if self.has_unsaved_edits():
            answer = QMessageBox.question(
                self,
                "保存していない変更",
                "保存していない変更があります。破棄して閉じますか？",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()
