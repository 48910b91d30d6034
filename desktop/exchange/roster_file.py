"""A roster file's columns and rows: HR-system CSV/XLSX in, the same headers out.

This module knows nothing of the database. It turns one row of cells into a
validated learner (or a list of problems, each naming its column), and one
stored learner back into the cells an export writes, with the headers the
importer recognises, so that an exported file imports unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

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


@dataclass
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


def parse_roster_row(
    line: int,
    cells: Sequence[str],
    mapping: Mapping[str, int],
    headers: Sequence[str],
    default_organization: str | None,
    today: date,
) -> RosterLine:
    values = {key: cells[index].strip() if index < len(cells) else "" for key, index in mapping.items()}
    problems: list[tuple[str, str]] = []

    def label(key: str) -> str:
        return column_label(key, mapping, headers)

    organization = values.get("organization", "") or (default_organization or "")
    kind = LearnerKind.STAFF
    if values.get("kind"):
        code = _KINDS.get(fold_for_search(values["kind"]))
        if code is None:
            problems.append(
                (
                    "kind",
                    f"「{values['kind']}」は区分として使えません（行政職員・企業従業員・求職者のいずれか）。",
                )
            )
        else:
            kind = LearnerKind(code)
    status = LearnerStatus.ACTIVE
    if values.get("status"):
        code = _STATUSES.get(fold_for_search(values["status"]))
        if code is None:
            problems.append(
                (
                    "status",
                    f"「{values['status']}」は在籍状況として使えません（在籍・休職・退職のいずれか）。",
                )
            )
        else:
            status = LearnerStatus(code)
    birth_date = None
    if values.get("birth_date"):
        try:
            birth_date = parse_date(values["birth_date"])
        except DateParseError as exc:
            problems.append(("birth_date", str(exc)))

    draft = LearnerDraft(
        organization_id=None,
        organization_name=organization,
        number=values.get("number", ""),
        name=values.get("name", ""),
        furigana=values.get("furigana", ""),
        email=values.get("email", ""),
        department_name=values.get("department", ""),
        job_title=values.get("job_title", ""),
        kind=kind,
        role=values.get("role", ""),
        status=status,
        birth_date=birth_date,
        insured_number=values.get("insured_number", ""),
        notes=values.get("notes", ""),
    )
    clean, field_problems = validate_learner(draft, today)
    for problem in field_problems:
        key = _FIELD_TO_KEY.get(problem.field, problem.field)
        if key == "organization":
            problems.append(
                (key, "団体名がありません。団体名の列を割り当てるか、取り込み先の団体を指定してください。")
            )
        else:
            problems.append((key, problem.message))
    # Reported in the file's column order, as a clerk reads the row.
    problems.sort(key=lambda item: mapping.get(item[0], len(headers)))
    labelled = [(label(key) if key in COLUMN_BY_KEY else key, reason) for key, reason in problems]
    present = frozenset(mapping) | ({"organization"} if organization else frozenset())
    # Blank 区分/在籍状況 cells mean "as before" for an existing learner.
    if not values.get("kind"):
        present -= {"kind"}
    if not values.get("status"):
        present -= {"status"}
    if labelled:
        return RosterLine(line, None, present, labelled)
    return RosterLine(line, clean, present)


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
