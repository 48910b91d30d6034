"""A training plan (訓練計画) for the grant: its states, its trainees' terms and its deadlines.

The labour bureau must receive the 計画届 from 6 months to 1 month before the
training starts (counted from the start day), and the 支給申請 within 2 months
counted from the day after the training ends. The plan list warns when today is
outside a window that still matters, or near its end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from desktop.domain.dates import add_months, to_wareki

NOTICE_OPENS_MONTHS = 6
NOTICE_CLOSES_MONTHS = 1
CLAIM_MONTHS = 2
NEAR_DAYS = 14  # "near the end of a window": two weeks leave time to fix a paper


class GrantPlanStatus(StrEnum):
    DRAFT = "draft"
    NOTIFIED = "notified"
    CLAIMED = "claimed"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {
            "draft": "作成中",
            "notified": "計画届提出済",
            "claimed": "支給申請済",
            "decided": "支給決定済",
            "withdrawn": "取下げ",
        }[self.value]


class EmploymentType(StrEnum):
    REGULAR = "regular"
    FIXED_TERM = "fixed_term"

    @property
    def label(self) -> str:
        return "正規" if self is EmploymentType.REGULAR else "有期"


class AlertLevel(StrEnum):
    INFO = "info"
    WARNING = "warning"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Window:
    opens: date
    closes: date  # inclusive

    @property
    def text(self) -> str:
        return f"{to_wareki(self.opens)}〜{to_wareki(self.closes)}"


@dataclass(frozen=True)
class DeadlineAlert:
    level: AlertLevel
    text: str


def notice_window(start: date) -> Window:
    """When the 計画届 may reach the labour bureau: 6 months to 1 month before the start."""
    return Window(add_months(start, -NOTICE_OPENS_MONTHS), add_months(start, -NOTICE_CLOSES_MONTHS))


def claim_window(end: date) -> Window:
    """When the 支給申請 is due: from the day after the end, for 2 months.

    The period ends the day before the same day 2 months on, or, when that month
    has no such day (opens 12/30 → no 2/30), on its last day (民法143条2項).
    """
    opens = end + timedelta(days=1)
    same_day = add_months(opens, CLAIM_MONTHS)  # clamped to the month's last day when there is none
    closes = same_day - timedelta(days=1) if same_day.day == opens.day else same_day
    return Window(opens, closes)


def deadline_alert(status: GrantPlanStatus, start: date, end: date, today: date) -> DeadlineAlert | None:
    """What the plan list says about the next paper due, or None when nothing is due."""
    if status is GrantPlanStatus.DRAFT:
        return _window_alert("計画届", notice_window(start), today)
    if status is GrantPlanStatus.NOTIFIED:
        window = claim_window(end)
        if today < window.opens:
            return DeadlineAlert(AlertLevel.INFO, f"支給申請は{window.text}")
        return _window_alert("支給申請", window, today)
    return None


def _window_alert(paper: str, window: Window, today: date) -> DeadlineAlert:
    closes = to_wareki(window.closes)
    if today < window.opens:
        return DeadlineAlert(
            AlertLevel.INFO, f"{paper}は{to_wareki(window.opens)}から提出できます（{closes}まで）"
        )
    if today > window.closes:
        return DeadlineAlert(AlertLevel.OVERDUE, f"{paper}の提出期限（{closes}）を過ぎています")
    days_left = (window.closes - today).days
    if days_left <= NEAR_DAYS:
        when = "本日が期限です" if days_left == 0 else f"期限まで残り{days_left}日"
        return DeadlineAlert(AlertLevel.WARNING, f"{paper}の{when}（{closes}）")
    return DeadlineAlert(AlertLevel.INFO, f"{paper}の提出期間中（{closes}まで）")
