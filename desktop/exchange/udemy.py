"""Udemy Business admin reports: user course activity and user activity (totals).

Exports spell their headers three ways: the display labels of the admin
screen ("Course Title"), the reporting API's snake_case names
("course_title"), and the Japanese UI's labels (「コースタイトル」). One alias
table covers all three; unknown columns are ignored.

Units, as the reports give them: course duration in hours (plain numbers, or
"1h 30m", "1:30:00", 「1時間30分」), completion ratio in percent (0–100),
consumed video in minutes. Dates may carry a time of day, which is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from desktop.domain.dates import DateParseError, parse_date
from desktop.domain.text import nfkc
from desktop.exchange.columns import Column, fold_header, guess_mapping

_USER_COLUMNS = (
    Column(
        "email",
        "User Email",
        ("user_email", "Email", "E-mail", "ユーザーのメールアドレス", "メールアドレス", "メール"),
    ),
    Column(
        "external_id",
        "User External Id",
        ("user_external_id", "External Id", "外部ID", "ユーザー外部ID", "社員番号"),
    ),
    Column("first_name", "User Name", ("user_name", "Name", "First Name", "名", "ユーザー名", "名前")),
    Column("last_name", "User Surname", ("user_surname", "Surname", "Last Name", "姓")),
)
COURSE_ACTIVITY_COLUMNS: tuple[Column, ...] = (
    *_USER_COLUMNS,
    Column("course_id", "Course ID", ("course_id", "コースID", "コース ID"), required=True),
    Column("course_title", "Course Title", ("course_title", "コースタイトル", "コース名"), required=True),
    Column(
        "course_category",
        "Course Category",
        ("course_category", "Category", "カテゴリー", "コースカテゴリー", "カテゴリ"),
    ),
    Column(
        "course_duration",
        "Course Duration",
        ("course_duration", "コースの長さ", "コース時間", "コースの時間"),
    ),
    Column(
        "completion_ratio",
        "Completion Ratio",
        ("completion_ratio", "Completion Ratio (%)", "修了率", "完了率", "進捗率", "進捗"),
    ),
    Column(
        "minutes",
        "Minutes Video Consumed",
        (
            "num_video_consumed_minutes",
            "Num Video Consumed Minutes",
            "Video Consumed Minutes",
            "視聴時間（分）",
            "動画視聴時間（分）",
            "視聴した動画の分数",
            "視聴時間",
        ),
    ),
    Column(
        "enrolled_on",
        "Course Enroll Date",
        ("course_enroll_date", "Enroll Date", "Enrollment Date", "登録日", "コース登録日"),
    ),
    Column("started_on", "Course Start Date", ("course_start_date", "Start Date", "開始日", "コース開始日")),
    Column(
        "completed_on",
        "Course Completion Date",
        ("course_completion_date", "Completion Date", "修了日", "完了日", "コース修了日"),
    ),
    Column(
        "first_completed_on", "Course First Completion Date", ("course_first_completion_date", "初回修了日")
    ),
    Column(
        "last_accessed_on",
        "Course Last Accessed Date",
        (
            "course_last_accessed_date",
            "Last Accessed Date",
            "Last Activity Date",
            "last_activity_date",
            "最終アクセス日",
            "最終受講日",
        ),
    ),
)
USER_ACTIVITY_COLUMNS: tuple[Column, ...] = (
    *_USER_COLUMNS,
    Column(
        "enrolled",
        "Courses Enrolled",
        ("num_new_enrolled_courses", "Enrolled Courses", "登録したコース数", "登録コース数"),
    ),
    Column(
        "started",
        "Courses Started",
        ("num_new_started_courses", "Started Courses", "開始したコース数", "開始コース数"),
    ),
    Column(
        "completed",
        "Courses Completed",
        ("num_completed_courses", "Completed Courses", "修了したコース数", "修了コース数"),
    ),
    Column(
        "minutes",
        "Minutes Video Consumed",
        ("num_video_consumed_minutes", "Num Video Consumed Minutes", "視聴時間（分）", "動画視聴時間（分）"),
    ),
    Column(
        "last_visited_on",
        "Last Date Visit",
        ("last_date_visit", "Last Visit Date", "最終訪問日", "最終アクセス日"),
    ),
)


class ReportKind(StrEnum):
    COURSE_ACTIVITY = "course_activity"
    USER_ACTIVITY = "user_activity"

    @property
    def label(self) -> str:
        return {"course_activity": "コース別の受講状況", "user_activity": "ユーザー別の集計"}[self.value]


def report_kind(headers: Sequence[str]) -> ReportKind | None:
    """Which report a header row belongs to, or None if it is neither."""
    course = guess_mapping(COURSE_ACTIVITY_COLUMNS, headers)
    if "course_id" in course or "course_title" in course:
        return ReportKind.COURSE_ACTIVITY
    users = guess_mapping(USER_ACTIVITY_COLUMNS, headers)
    if {"enrolled", "completed"} & users.keys():
        return ReportKind.USER_ACTIVITY
    return None


def columns_for(kind: ReportKind) -> tuple[Column, ...]:
    return COURSE_ACTIVITY_COLUMNS if kind is ReportKind.COURSE_ACTIVITY else USER_ACTIVITY_COLUMNS


def mapping_problems(kind: ReportKind, mapping: Mapping[str, int]) -> list[tuple[str, str]]:
    problems = [
        (
            c.header,
            f"「{c.header}」（{c.aliases[0]}）の列がありません。Udemy Business の管理画面から出力したファイルか確かめてください。",
        )
        for c in columns_for(kind)
        if c.required and c.key not in mapping
    ]
    if "email" not in mapping and "external_id" not in mapping:
        problems.append(
            ("User Email", "受講者を照合するための「User Email」または「User External Id」の列がありません。")
        )
    return problems


@dataclass(frozen=True, slots=True)
class CourseActivity:
    email: str  # lower-cased
    external_id: str
    user_name: str
    course_id: str
    course_title: str
    course_category: str
    duration_hours: Decimal | None
    progress_percent: int | None
    minutes: int | None
    enrolled_on: date | None
    started_on: date | None
    completed_on: date | None
    last_accessed_on: date | None


@dataclass(frozen=True, slots=True)
class UserActivity:
    email: str
    external_id: str
    user_name: str
    enrolled: int | None
    started: int | None
    completed: int | None
    minutes: int | None
    last_visited_on: date | None


_DURATION_HM = re.compile(
    r"^(?:(\d+(?:\.\d+)?)\s*(?:h|hr|hrs|hours?|時間))?\s*(?:(\d+(?:\.\d+)?)\s*(?:m|min|mins|minutes?|分))?$"
)
_DURATION_CLOCK = re.compile(r"^(\d+):(\d{1,2})(?::(\d{1,2}))?$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


class CellReader:
    """Reads one report's cells into typed values, collecting (column, reason) problems.

    Dates repeat across hundreds of thousands of rows, so each distinct day is
    parsed once.
    """

    def __init__(self, mapping: Mapping[str, int], headers: Sequence[str], columns: Sequence[Column]) -> None:
        self._mapping = dict(mapping)
        self._labels = {key: headers[index] or key for key, index in mapping.items()}
        self._fallback = {c.key: c.header for c in columns}
        self._dates: dict[str, date | None] = {}
        # The same durations and ratios recur on most rows: parse each spelling once.
        self._numbers: dict[tuple[str, str], Decimal | None] = {}
        self._hours: dict[str, Decimal | None] = {}
        self.problems: list[tuple[str, str]] = []

    def label(self, key: str) -> str:
        return self._labels.get(key) or self._fallback.get(key, key)

    def text(self, cells: Sequence[str], key: str) -> str:
        index = self._mapping.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def date(self, cells: Sequence[str], key: str) -> date | None:
        raw = self.text(cells, key)
        if not raw:
            return None
        cache_key = raw[:10] if _ISO_DAY.match(raw) else raw
        if cache_key in self._dates:
            return self._dates[cache_key]
        try:
            value = parse_date(raw)
        except DateParseError as exc:
            self.problems.append((self.label(key), str(exc)))
            return None
        self._dates[cache_key] = value
        return value

    def number(self, cells: Sequence[str], key: str, maximum: Decimal | None = None) -> Decimal | None:
        cell = self.text(cells, key)
        cache_key = (key, cell)
        if cache_key in self._numbers:
            return self._numbers[cache_key]
        problems = len(self.problems)
        value = self._number(cell, key, maximum)
        if len(self.problems) == problems:
            self._numbers[cache_key] = value
        return value

    def _number(self, cell: str, key: str, maximum: Decimal | None) -> Decimal | None:
        raw = nfkc(cell).replace(",", "").rstrip("%").strip()
        if not raw:
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self.problems.append((self.label(key), f"「{raw}」は数値として読めません。"))
            return None
        if not value.is_finite() or value < 0 or (maximum is not None and value > maximum):
            limit = f"0〜{maximum}" if maximum is not None else "0以上"
            self.problems.append((self.label(key), f"「{raw}」は範囲外です（{limit}）。"))
            return None
        return value

    def whole(self, cells: Sequence[str], key: str) -> int | None:
        value = self.number(cells, key)
        return None if value is None else int(value.to_integral_value())

    def hours(self, cells: Sequence[str], key: str) -> Decimal | None:
        cell = self.text(cells, key)
        if cell in self._hours:
            return self._hours[cell]
        problems = len(self.problems)
        value = self._parse_hours(cells, key, cell)
        if len(self.problems) == problems:
            self._hours[cell] = value
        return value

    def _parse_hours(self, cells: Sequence[str], key: str, cell: str) -> Decimal | None:
        raw = nfkc(cell).lower().strip()
        if not raw:
            return None
        clock = _DURATION_CLOCK.match(raw)
        if clock:
            hours, minutes, seconds = int(clock[1]), int(clock[2]), int(clock[3] or 0)
            return (Decimal(hours) + Decimal(minutes) / 60 + Decimal(seconds) / 3600).quantize(
                Decimal("0.01")
            )
        if any(ch.isalpha() or ch in "時分" for ch in raw):
            parts = _DURATION_HM.match(raw.replace(" ", ""))
            if parts and (parts[1] or parts[2]):
                total = Decimal(parts[1] or 0) + Decimal(parts[2] or 0) / 60
                return total.quantize(Decimal("0.01"))
            self.problems.append(
                (self.label(key), f"「{raw}」は時間として読めません（例: 2.5、2h 30m、2:30:00）。")
            )
            return None
        value = self.number(cells, key)
        return None if value is None else value.quantize(Decimal("0.01"))


def _user_fields(reader: CellReader, cells: Sequence[str]) -> tuple[str, str, str]:
    email = nfkc(reader.text(cells, "email")).lower()
    external_id = nfkc(reader.text(cells, "external_id"))
    first, last = reader.text(cells, "first_name"), reader.text(cells, "last_name")
    name = "\u3000".join(part for part in (last, first) if part)
    if not email and not external_id:
        reader.problems.append(
            (reader.label("email"), "メールアドレスも外部IDも空欄のため、受講者を照合できません。")
        )
    return email, external_id, name


def read_course_activity(reader: CellReader, cells: Sequence[str]) -> CourseActivity | None:
    """One course-activity row, or None when reader.problems got something for it."""
    before = len(reader.problems)
    email, external_id, name = _user_fields(reader, cells)
    course_id = nfkc(reader.text(cells, "course_id"))
    title = reader.text(cells, "course_title")
    if not course_id:
        reader.problems.append((reader.label("course_id"), "コースIDが空欄です。"))
    if not title:
        reader.problems.append((reader.label("course_title"), "コースタイトルが空欄です。"))
    ratio = reader.number(cells, "completion_ratio", Decimal(100))
    completed_on = reader.date(cells, "completed_on") or reader.date(cells, "first_completed_on")
    activity = CourseActivity(
        email=email,
        external_id=external_id,
        user_name=name,
        course_id=course_id[:56],
        course_title=title[:256],
        course_category=reader.text(cells, "course_category")[:128],
        duration_hours=reader.hours(cells, "course_duration"),
        progress_percent=None if ratio is None else int(ratio.to_integral_value()),
        minutes=reader.whole(cells, "minutes"),
        enrolled_on=reader.date(cells, "enrolled_on"),
        started_on=reader.date(cells, "started_on"),
        completed_on=completed_on,
        last_accessed_on=reader.date(cells, "last_accessed_on"),
    )
    return None if len(reader.problems) > before else activity


def read_user_activity(reader: CellReader, cells: Sequence[str]) -> UserActivity | None:
    before = len(reader.problems)
    email, external_id, name = _user_fields(reader, cells)
    activity = UserActivity(
        email=email,
        external_id=external_id,
        user_name=name,
        enrolled=reader.whole(cells, "enrolled"),
        started=reader.whole(cells, "started"),
        completed=reader.whole(cells, "completed"),
        minutes=reader.whole(cells, "minutes"),
        last_visited_on=reader.date(cells, "last_visited_on"),
    )
    return None if len(reader.problems) > before else activity


def header_matches(headers: Sequence[str], name: str) -> bool:
    return fold_header(name) in {fold_header(h) for h in headers}
