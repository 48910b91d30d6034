"""RosterRowReader reads a row as the plain rule does, whatever the file's columns.

The reader picks every field's cell with one itemgetter over the row plus a
blank cell (index -1 for a field the file lacks), builds LearnerDraft
positionally and caches 区分/在籍状況 lookups. Here the rule is written out the
plain way (a dict of the row's cells, keyword arguments, no cache) and both
read the same generated rows under generated column mappings.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain.dates import DateParseError, parse_date
from desktop.domain.roster import LearnerDraft, LearnerKind, LearnerStatus, validate_learner
from desktop.domain.text import fold_for_search
from desktop.exchange.roster_file import (
    _FIELD_TO_KEY,
    _KINDS,
    _STATUSES,
    COLUMN_BY_KEY,
    RosterLine,
    RosterRowReader,
    column_label,
)

TODAY = date(2026, 11, 22)
KEYS = list(COLUMN_BY_KEY)
ORGANIZATION_MISSING = "団体名がありません。団体名の列を割り当てるか、取り込み先の団体を指定してください。"


def read_plainly(
    mapping: dict[str, int], headers: list[str], default_organization: str | None, line: int, cells: list[str]
) -> RosterLine:
    """The rule, as the reader applied it before its shortcuts."""
    width = max(mapping.values(), default=-1) + 1
    cells = cells + [""] * (width - len(cells))
    row = {key: cells[index].strip() for key, index in mapping.items()}
    problems: list[tuple[str, str]] = []
    organization = row.get("organization", "") or (default_organization or "")
    kind, kind_text = LearnerKind.STAFF, row.get("kind", "")
    if kind_text:
        code = _KINDS.get(fold_for_search(kind_text))
        if code is None:
            problems.append(
                ("kind", f"「{kind_text}」は区分として使えません（行政職員・企業従業員・求職者のいずれか）。")
            )
        else:
            kind = LearnerKind(code)
    status, status_text = LearnerStatus.ACTIVE, row.get("status", "")
    if status_text:
        code = _STATUSES.get(fold_for_search(status_text))
        if code is None:
            problems.append(
                ("status", f"「{status_text}」は在籍状況として使えません（在籍・休職・退職のいずれか）。")
            )
        else:
            status = LearnerStatus(code)
    birth_date = None
    if row.get("birth_date"):
        try:
            birth_date = parse_date(row["birth_date"])
        except DateParseError as exc:
            problems.append(("birth_date", str(exc)))
    draft = LearnerDraft(
        organization_id=None,
        organization_name=organization,
        number=row.get("number", ""),
        name=row.get("name", ""),
        furigana=row.get("furigana", ""),
        email=row.get("email", ""),
        department_name=row.get("department", ""),
        job_title=row.get("job_title", ""),
        kind=kind,
        role=row.get("role", ""),
        status=status,
        birth_date=birth_date,
        insured_number=row.get("insured_number", ""),
        notes=row.get("notes", ""),
    )
    clean, field_problems = validate_learner(draft, TODAY)
    present = set(mapping) | ({"organization"} if organization else set())
    present -= set() if kind_text else {"kind"}
    present -= set() if status_text else {"status"}
    for problem in field_problems:
        key = _FIELD_TO_KEY[problem.field]
        problems.append((key, ORGANIZATION_MISSING if key == "organization" else problem.message))
    if not problems:
        return RosterLine(line, clean, frozenset(present))
    problems.sort(key=lambda item: mapping.get(item[0], len(headers)))
    labels = [(column_label(key, mapping, headers), reason) for key, reason in problems]
    return RosterLine(line, None, frozenset(present), labels)


# Typical cells for each field, good and bad, and some any field may hold by mistake.
CELLS: dict[str, list[str]] = {
    "organization": ["みらい市", " ﾐﾗｲ市 ", "株式会社　テスト", "", "  "],
    "number": ["0001", " A-12_3 ", "１２３", "12 34", "a" * 33, "番号", ""],
    "name": ["山田 太郎", "髙橋　①郎", "ﾔﾏﾀﾞ", "x" * 65, ""],
    "furigana": ["ヤマダ タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ", "やまだ", "山田", "ア" * 65, ""],
    "department": ["総務部/人事課", "市民生活部／税務課", " 企画課 ", ""],
    "job_title": ["主事", "ｼｭｼﾞ", "x" * 65, ""],
    "email": ["taro@example.lg.jp", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "bad", " a@b.co ", ""],
    "kind": ["行政職員", "職員", "社員", "Employee", "ｼｮｸｲﾝ", "変な区分", ""],
    "role": ["一般職員", "ＤＸ推進リーダー", "  ", ""],
    "status": ["在籍", "在職", "退職済み", "ON_LEAVE", "不明", ""],
    "birth_date": ["S60.4.1", "昭和60年4月1日", "19850401", "2023/2/30", "2099/1/1", "45383", "あ", ""],
    "insured_number": ["1234-567890-1", "12345678901", "123", ""],
    "notes": ["メモ", "x" * 2001, "  note  ", ""],
}
ANY_CELL = st.sampled_from(sorted({cell for cells in CELLS.values() for cell in cells}))


@st.composite
def files(draw: st.DrawFn) -> tuple[dict[str, int], list[str], str | None, list[list[str]]]:
    keys = draw(st.lists(st.sampled_from(KEYS), unique=True))
    width = len(keys) + draw(st.integers(0, 2))
    columns = draw(st.permutations(range(width)))
    mapping = {key: columns[i] for i, key in enumerate(keys)}
    headers = draw(
        st.lists(st.sampled_from(["見出し", "", "所属名"]), min_size=max(0, width - 1), max_size=width + 1)
    )
    default_organization = draw(st.sampled_from([None, "", "既定市"]))
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        cells = [draw(ANY_CELL) for _ in range(width)]
        for key, index in mapping.items():
            cells[index] = draw(st.one_of(st.sampled_from(CELLS[key]), ANY_CELL, st.text(max_size=6)))
        cut = draw(st.integers(0, width + 2))  # rows shorter than the header, or longer
        rows.append(cells[:cut] if cut <= width else cells + ["余り"] * (cut - width))
    return mapping, headers, default_organization, rows


@settings(max_examples=300)
@given(files())
def test_the_reader_reads_every_row_as_the_rule_does(
    file: tuple[dict[str, int], list[str], str | None, Sequence[list[str]]],
) -> None:
    mapping, headers, default_organization, rows = file
    reader = RosterRowReader(mapping, headers, default_organization, TODAY)

    for line, cells in enumerate(rows, 2):
        expected = read_plainly(mapping, headers, default_organization, line, list(cells))
        assert reader(line, list(cells)) == expected
