"""受講記録 rules: what a hand-entered record must hold, and the totals a page shows."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from desktop.domain.text import nfkc

HOURS_MAX = Decimal("999.99")
TITLE_MAX = 256
NOTES_MAX = 2000
# A record may be entered ahead for training booked soon, not for next year.
FUTURE_DAYS_ALLOWED = 31


@dataclass
class RecordDraft:
    """What the 受講記録 dialog proposes: one in-house or group training session."""

    learner_id: int | None
    course_id: int | None
    course_title: str  # typed when no listed course was chosen: made in the same save
    held_on: date | None
    hours: str
    completed: bool
    notes: str = ""


@dataclass(frozen=True)
class CleanRecord:
    learner_id: int
    course_id: int | None
    course_title: str
    held_on: date
    hours: Decimal
    completed: bool
    notes: str | None


RECORD_FIELD_LABELS = {
    "learner_id": "受講者",
    "course_id": "講座",
    "held_on": "受講日",
    "hours": "時間",
    "completed": "修了",
    "notes": "備考",
}


def parse_hours(text: str) -> Decimal | None:
    """「1.5」「１．５」「1時間30分」「90分」 → Decimal hours; None if unreadable."""
    raw = nfkc(text).strip().replace(" ", "")
    if not raw:
        return None
    minutes_only = raw.endswith("分") and "時間" not in raw
    try:
        if "時間" in raw:
            hours_part, _, rest = raw.partition("時間")
            minutes = Decimal(rest.removesuffix("分") or 0)
            return (Decimal(hours_part or 0) + minutes / 60).quantize(Decimal("0.01"))
        if minutes_only:
            return (Decimal(raw.removesuffix("分")) / 60).quantize(Decimal("0.01"))
        return Decimal(raw.removesuffix("h").removesuffix("H")).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def validate_record(draft: RecordDraft, today: date) -> tuple[CleanRecord | None, list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []
    if draft.learner_id is None:
        problems.append(("learner_id", "受講者を選んでください。"))
    title = " ".join(nfkc(draft.course_title).split())
    if draft.course_id is None and not title:
        problems.append(("course_id", "講座を選ぶか、講座名を入力してください。"))
    elif len(title) > TITLE_MAX:
        problems.append(("course_id", f"講座名は{TITLE_MAX}文字以内で入力してください。"))
    if draft.held_on is None:
        problems.append(("held_on", "受講日を入力してください。"))
    elif draft.held_on > today + timedelta(days=FUTURE_DAYS_ALLOWED):
        problems.append(("held_on", "受講日が先の日付すぎます（1か月より先の予定は登録できません）。"))
    elif draft.held_on.year < 2000:
        problems.append(("held_on", "受講日が古すぎます。"))
    hours = parse_hours(draft.hours)
    if hours is None:
        problems.append(("hours", "時間を数字で入力してください（例: 1.5、90分、1時間30分）。"))
    elif hours <= 0 or hours > HOURS_MAX:
        problems.append(("hours", f"時間は0より大きく、{HOURS_MAX}時間以下で入力してください。"))
    notes = draft.notes.strip()
    if len(notes) > NOTES_MAX:
        problems.append(("notes", f"備考は{NOTES_MAX}文字以内で入力してください。"))
    if problems:
        return None, problems
    assert draft.learner_id is not None and draft.held_on is not None and hours is not None
    return (
        CleanRecord(
            draft.learner_id, draft.course_id, title, draft.held_on, hours, draft.completed, notes or None
        ),
        [],
    )


@dataclass
class Totals:
    records: int = 0
    completed: int = 0
    hours: Decimal = Decimal(0)


def totals_by(items: Iterable[tuple[Hashable, Decimal | None, bool]]) -> dict[Hashable, Totals]:
    """Sum (key, hours, completed) items per key: per learner, per department, …"""
    result: dict[Hashable, Totals] = {}
    for key, hours, completed in items:
        totals = result.get(key)
        if totals is None:
            totals = result[key] = Totals()
        totals.records += 1
        totals.completed += 1 if completed else 0
        if hours is not None:
            totals.hours += hours
    return result
