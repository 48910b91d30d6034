"""A roster file's columns and rows: HR-system CSV/XLSX in, the same headers out.

This module knows nothing of the database. It turns one row of cells into a
validated learner (or a list of problems, each naming its column), and one
stored learner back into the cells an export writes, with the headers the
importer recognises, so that an exported file imports unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from operator import itemgetter

from desktop.domain.dates import DateParseError, parse_date
from desktop.domain.roster import (
    CleanLearner,
    LearnerDraft,
    LearnerKind,
    LearnerStatus,
    validate_learner,
)
from desktop.domain.text import fold_for_search, nfkc
from desktop.exchange.columns import Column

ROSTER_COLUMNS: tuple[Column, ...] = (
    Column(
        "organization",
        "団体名",
        ("団体", "自治体名", "自治体", "会社名", "企業名", "事業所名", "勤務先", "所属団体"),
    ),
    Column(
        "number",
        "受講者番号",
        (
            "職員番号",
            "社員番号",
            "従業員番号",
            "受講者ID",
            "職員コード",
            "社員コード",
            "個人コード",
            "受講番号",
            "番号",
            "ID",
        ),
        required=True,
    ),
    Column(
        "name",
        "氏名",
        ("漢字氏名", "氏名漢字", "氏名（漢字）", "名前", "お名前", "フルネーム"),
        required=True,
    ),
    Column(
        "furigana",
        "フリガナ",
        (
            "カナ氏名",
            "氏名カナ",
            "氏名（カナ）",
            "ふりがな",
            "フリガナ氏名",
            "よみがな",
            "ヨミガナ",
            "カナ",
            "読み",
        ),
        required=True,
    ),
    Column("department", "所属", ("部署", "所属名", "部署名", "所属部署", "所属課", "部課名", "課", "課名")),
    Column("job_title", "職名", ("役職", "役職名", "職位", "職階")),
    Column(
        "email",
        "メールアドレス",
        ("メール", "E-mail", "Eメール", "email", "mail", "電子メール", "メールアドレス（Udemy）"),
    ),
    Column("kind", "区分", ("受講者区分", "対象区分")),
    Column("role", "育成区分", ("人材区分", "目標人材", "育成対象")),
    Column("status", "在籍状況", ("在籍", "在職状況", "状態")),
    Column("birth_date", "生年月日", ("誕生日",)),
    Column("insured_number", "雇用保険被保険者番号", ("被保険者番号",)),
    Column("notes", "備考", ("メモ", "摘要")),
)
COLUMN_BY_KEY = {c.key: c for c in ROSTER_COLUMNS}
EXPORT_HEADERS = [c.header for c in ROSTER_COLUMNS]

# validate_learner names its fields; a problem is reported under the file's column.
_FIELD_TO_KEY = {
    "organization_id": "organization",
    "number": "number",
    "name": "name",
    "furigana": "furigana",
    "email": "email",
    "department_id": "department",
    "job_title": "job_title",
    "kind": "kind",
    "role": "role",
    "status": "status",
    "birth_date": "birth_date",
    "insured_number": "insured_number",
    "notes": "notes",
}


def _choices(enum_class: type[LearnerKind] | type[LearnerStatus], extra: Mapping[str, str]) -> dict[str, str]:
    table = {fold_for_search(m.label): m.value for m in enum_class}
    table.update({fold_for_search(m.value): m.value for m in enum_class})
    table.update({fold_for_search(k): v for k, v in extra.items()})
    return table


_KINDS = _choices(
    LearnerKind, {"職員": "staff", "従業員": "employee", "社員": "employee", "求職": "job_seeker"}
)
_STATUSES = _choices(
    LearnerStatus,
    {"在職": "active", "現職": "active", "休職中": "on_leave", "退職済": "retired", "退職済み": "retired"},
)


@dataclass(slots=True)
class RosterLine:
    """One data row as read: a clean learner, or the problems that stopped it."""

    line: int
    clean: CleanLearner | None
    # The fields the file has a column for: an update changes only these.
    present: frozenset[str]
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column, reason)


def column_label(key: str, mapping: Mapping[str, int], headers: Sequence[str]) -> str:
    index = mapping.get(key)
    if index is not None and index < len(headers) and headers[index]:
        return headers[index]
    return COLUMN_BY_KEY[key].header


# The fields a row reader hands to validate_learner, in the order it unpacks them.
_READ_ORDER = (
    "organization",
    "number",
    "name",
    "furigana",
    "department",
    "job_title",
    "email",
    "kind",
    "role",
    "status",
    "birth_date",
    "insured_number",
    "notes",
)
assert set(_READ_ORDER) == set(COLUMN_BY_KEY)


# A 区分 or 在籍状況 column repeats a handful of spellings over every row; folding
# each one (NFKC, case, kana) costs more than the rest of the row's checks.
@lru_cache(maxsize=1024)
def _kind_code(text: str) -> str | None:
    return _KINDS.get(fold_for_search(text))


@lru_cache(maxsize=1024)
def _status_code(text: str) -> str | None:
    return _STATUSES.get(fold_for_search(text))


class RosterRowReader:
    """Turns the rows of one file into RosterLines.

    Everything that depends only on the file's columns is worked out once here,
    not on each of 50,000 rows.
    """

    def __init__(
        self,
        mapping: Mapping[str, int],
        headers: Sequence[str],
        default_organization: str | None,
        today: date,
    ) -> None:
        # One C call picks every field's cell in _READ_ORDER from the row with a
        # blank cell added at its end, which a field the file lacks picks (index -1).
        self._pick: Callable[[Sequence[str]], tuple[str, ...]] = itemgetter(
            *(mapping.get(key, -1) for key in _READ_ORDER)
        )
        self._width = max(mapping.values(), default=-1) + 1
        self._order = {key: index for key, index in mapping.items()}
        self._labels = {key: column_label(key, mapping, headers) for key in COLUMN_BY_KEY}
        self._default_organization = default_organization or ""
        self._today = today
        self._last_column = len(headers)
        base = frozenset(mapping) | {"organization"}
        # Blank 区分/在籍状況 cells mean "as before" for an existing learner. Keyed by
        # which of 団体, 区分 and 在籍状況 are blank: `not` is cheaper than bool() per row.
        self._present: dict[tuple[bool, bool, bool], frozenset[str]] = {}
        for has_org in (False, True):
            for has_kind in (False, True):
                for has_status in (False, True):
                    present = base if has_org else frozenset(mapping)
                    if not has_kind:
                        present -= {"kind"}
                    if not has_status:
                        present -= {"status"}
                    self._present[(not has_org, not has_kind, not has_status)] = present

    def __call__(self, line: int, cells: Sequence[str]) -> RosterLine:
        if len(cells) < self._width:
            cells = [*cells, *[""] * (self._width - len(cells))]
        (
            organization,
            number,
            name,
            furigana,
            department,
            job_title,
            email,
            kind_text,
            role,
            status_text,
            birth_text,
            insured_number,
            notes,
        ) = map(str.strip, self._pick((*cells, "")))
        problems: list[tuple[str, str]] = []

        organization = organization or self._default_organization
        kind = LearnerKind.STAFF
        if kind_text:
            code = _kind_code(kind_text)
            if code is None:
                problems.append(
                    (
                        "kind",
                        f"「{kind_text}」は区分として使えません（行政職員・企業従業員・求職者のいずれか）。",
                    )
                )
            else:
                kind = LearnerKind(code)
        status = LearnerStatus.ACTIVE
        if status_text:
            code = _status_code(status_text)
            if code is None:
                problems.append(
                    ("status", f"「{status_text}」は在籍状況として使えません（在籍・休職・退職のいずれか）。")
                )
            else:
                status = LearnerStatus(code)
        birth_date = None
        if birth_text:
            try:
                birth_date = parse_date(birth_text)
            except DateParseError as exc:
                problems.append(("birth_date", str(exc)))

        # Positional, in LearnerDraft's field order: keywords cost 0.4 µs on every row.
        draft = LearnerDraft(
            None,  # organization_id: the importer finds or makes it from organization_name
            number,
            name,
            furigana,
            email,
            None,  # department_id: likewise from department_name
            organization,
            department,
            job_title,
            kind,
            role,
            status,
            birth_date,
            insured_number,
            notes,
        )
        clean, field_problems = validate_learner(draft, self._today)
        present = self._present[(not organization, not kind_text, not status_text)]
        if not problems and not field_problems:
            return RosterLine(line, clean, present, problems)  # problems: a new, empty list
        for problem in field_problems:
            key = _FIELD_TO_KEY.get(problem.field, problem.field)
            if key == "organization":
                problems.append(
                    (
                        key,
                        "団体名がありません。団体名の列を割り当てるか、取り込み先の団体を指定してください。",
                    )
                )
            else:
                problems.append((key, problem.message))
        # Reported in the file's column order, as a clerk reads the row.
        problems.sort(key=lambda item: self._order.get(item[0], self._last_column))
        labelled = [(self._labels.get(key, key), reason) for key, reason in problems]
        return RosterLine(line, None, present, labelled)


def number_key(number: str) -> str:
    """How two 受講者番号 are compared: what validate_learner stores, case kept."""
    return nfkc(number).strip()


@dataclass(frozen=True)
class ExportLearner:
    organization: str
    number: str
    name: str
    furigana: str
    department: str
    job_title: str
    email: str
    kind: LearnerKind
    role: str
    status: LearnerStatus
    birth_date: date | None
    insured_number: str
    notes: str


def export_cells(learner: ExportLearner) -> list[object]:
    """One learner as the export writes it, in EXPORT_HEADERS order."""
    return [
        learner.organization,
        learner.number,
        learner.name,
        learner.furigana,
        learner.department,
        learner.job_title,
        learner.email,
        learner.kind.label,
        learner.role,
        learner.status.label,
        learner.birth_date,
        learner.insured_number,
        learner.notes,
    ]
