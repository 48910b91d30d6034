"""The 訓練計画's deadlines: the 計画届 window before the start, the 支給申請 window after the end, the alerts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.grant_plan import (
    AlertLevel,
    EmploymentType,
    GrantPlanStatus,
    Window,
    claim_window,
    deadline_alert,
    notice_window,
)

# ---------------------------------------------------------------------------
# 計画届: from 6 months to 1 month before the start, counted from the start day.

NOTICE_CASES = [
    # start, window opens, window closes
    pytest.param(date(2027, 1, 1), date(2026, 7, 1), date(2026, 12, 1), id="new-year"),
    pytest.param(date(2026, 6, 1), date(2025, 12, 1), date(2026, 5, 1), id="across-the-year"),
    pytest.param(date(2026, 10, 15), date(2026, 4, 15), date(2026, 9, 15), id="mid-month"),
    pytest.param(date(2026, 8, 31), date(2026, 2, 28), date(2026, 7, 31), id="aug-31-to-feb-28"),
    pytest.param(date(2028, 8, 31), date(2028, 2, 29), date(2028, 7, 31), id="aug-31-to-leap-feb-29"),
    pytest.param(date(2026, 3, 31), date(2025, 9, 30), date(2026, 2, 28), id="mar-31-to-sep-30-and-feb-28"),
    pytest.param(date(2026, 12, 31), date(2026, 6, 30), date(2026, 11, 30), id="dec-31-to-jun-30-and-nov-30"),
    pytest.param(date(2026, 5, 31), date(2025, 11, 30), date(2026, 4, 30), id="may-31-to-nov-30-and-apr-30"),
    pytest.param(date(2027, 3, 31), date(2026, 9, 30), date(2027, 2, 28), id="course-last-day"),
]


@pytest.mark.parametrize(("start", "opens", "closes"), NOTICE_CASES)
def test_notice_window(start: date, opens: date, closes: date) -> None:
    assert notice_window(start) == Window(opens, closes)


def test_window_text_is_in_wareki() -> None:
    assert notice_window(date(2026, 8, 31)).text == "令和8年2月28日〜令和8年7月31日"


# ---------------------------------------------------------------------------
# 支給申請: within 2 months counted from the day after the training ends (民法 140・143条:
# the period ends the day before the same day two months on, or at the end of that month
# when it has no such day).

CLAIM_CASES = [
    # training ends, window opens, window closes
    pytest.param(date(2026, 8, 31), date(2026, 9, 1), date(2026, 10, 31), id="month-end-whole-months"),
    pytest.param(date(2026, 6, 29), date(2026, 6, 30), date(2026, 8, 29), id="mid-month"),
    pytest.param(date(2026, 10, 14), date(2026, 10, 15), date(2026, 12, 14), id="mid-october"),
    pytest.param(date(2026, 11, 30), date(2026, 12, 1), date(2027, 1, 31), id="across-the-year"),
    pytest.param(date(2026, 12, 31), date(2027, 1, 1), date(2027, 2, 28), id="to-end-of-february"),
    pytest.param(date(2026, 12, 27), date(2026, 12, 28), date(2027, 2, 27), id="feb-28-exists"),
    pytest.param(date(2026, 12, 28), date(2026, 12, 29), date(2027, 2, 28), id="no-feb-29-ends-feb-28"),
    pytest.param(date(2026, 12, 29), date(2026, 12, 30), date(2027, 2, 28), id="no-feb-30-ends-feb-28"),
    pytest.param(date(2026, 12, 30), date(2026, 12, 31), date(2027, 2, 28), id="no-feb-31-ends-feb-28"),
    pytest.param(date(2027, 12, 30), date(2027, 12, 31), date(2028, 2, 29), id="leap-year-ends-feb-29"),
    pytest.param(date(2027, 12, 28), date(2027, 12, 29), date(2028, 2, 28), id="leap-feb-29-exists"),
    pytest.param(date(2026, 7, 30), date(2026, 7, 31), date(2026, 9, 30), id="no-sep-31-ends-sep-30"),
    pytest.param(date(2026, 3, 31), date(2026, 4, 1), date(2026, 5, 31), id="fiscal-year-start"),
]


@pytest.mark.parametrize(("end", "opens", "closes"), CLAIM_CASES)
def test_claim_window(end: date, opens: date, closes: date) -> None:
    assert claim_window(end) == Window(opens, closes)


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)))
def test_claim_window_is_two_months_less_a_day_at_most(end: date) -> None:
    window = claim_window(end)
    assert window.opens == end + timedelta(days=1)
    assert 59 <= (window.closes - window.opens).days + 1 <= 62  # two months: Jan–Feb 59 days, Jul–Aug 62


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)))
def test_notice_window_is_five_months_long_and_ends_before_the_start(start: date) -> None:
    window = notice_window(start)
    assert window.opens < window.closes < start
    assert 28 <= (start - window.closes).days <= 31
    assert 181 <= (start - window.opens).days <= 184


# ---------------------------------------------------------------------------
# Alerts on the plan list. A plan starting 2027-01-01: 計画届 from 2026-07-01 to 2026-12-01.
# It ends 2027-02-28: 支給申請 from 2027-03-01 to 2027-04-30.

START, END = date(2027, 1, 1), date(2027, 2, 28)

DRAFT_ALERTS = [
    # today, level, words
    pytest.param(date(2026, 6, 30), AlertLevel.INFO, "令和8年7月1日から提出できます", id="before-window"),
    pytest.param(date(2026, 7, 1), AlertLevel.INFO, "提出期間中", id="window-opens"),
    pytest.param(date(2026, 11, 16), AlertLevel.INFO, "提出期間中", id="15-days-left"),
    pytest.param(date(2026, 11, 17), AlertLevel.WARNING, "残り14日", id="14-days-left"),
    pytest.param(date(2026, 11, 22), AlertLevel.WARNING, "残り9日", id="9-days-left"),
    pytest.param(date(2026, 11, 30), AlertLevel.WARNING, "残り1日", id="1-day-left"),
    pytest.param(date(2026, 12, 1), AlertLevel.WARNING, "本日が期限です", id="last-day"),
    pytest.param(date(2026, 12, 2), AlertLevel.OVERDUE, "過ぎています", id="a-day-late"),
    pytest.param(date(2027, 6, 1), AlertLevel.OVERDUE, "過ぎています", id="long-after"),
]


@pytest.mark.parametrize(("today", "level", "words"), DRAFT_ALERTS)
def test_draft_plan_alerts_about_the_notice(today: date, level: AlertLevel, words: str) -> None:
    alert = deadline_alert(GrantPlanStatus.DRAFT, START, END, today)
    assert alert is not None
    assert alert.level is level
    assert alert.text.startswith("計画届") and words in alert.text
    assert "令和8年12月1日" in alert.text  # the deadline is always named


NOTIFIED_ALERTS = [
    pytest.param(
        date(2026, 12, 2), AlertLevel.INFO, "支給申請は令和9年3月1日〜令和9年4月30日", id="before-training"
    ),
    pytest.param(date(2027, 2, 28), AlertLevel.INFO, "支給申請は令和9年3月1日〜", id="last-training-day"),
    pytest.param(date(2027, 3, 1), AlertLevel.INFO, "提出期間中", id="window-opens"),
    pytest.param(date(2027, 4, 15), AlertLevel.INFO, "提出期間中", id="15-days-left"),
    pytest.param(date(2027, 4, 16), AlertLevel.WARNING, "残り14日", id="14-days-left"),
    pytest.param(date(2027, 4, 30), AlertLevel.WARNING, "本日が期限です", id="last-day"),
    pytest.param(date(2027, 5, 1), AlertLevel.OVERDUE, "過ぎています", id="a-day-late"),
]


@pytest.mark.parametrize(("today", "level", "words"), NOTIFIED_ALERTS)
def test_notified_plan_alerts_about_the_claim(today: date, level: AlertLevel, words: str) -> None:
    alert = deadline_alert(GrantPlanStatus.NOTIFIED, START, END, today)
    assert alert is not None
    assert alert.level is level
    assert alert.text.startswith("支給申請") and words in alert.text


def test_notified_plan_does_not_warn_about_the_notice_any_more() -> None:
    alert = deadline_alert(GrantPlanStatus.NOTIFIED, START, END, date(2026, 12, 20))
    assert alert is not None and alert.level is AlertLevel.INFO and "計画届" not in alert.text


@pytest.mark.parametrize(
    "status", [GrantPlanStatus.CLAIMED, GrantPlanStatus.DECIDED, GrantPlanStatus.WITHDRAWN], ids=str
)
@pytest.mark.parametrize("today", [date(2026, 11, 30), date(2027, 4, 30), date(2028, 1, 1)], ids=str)
def test_nothing_due_after_the_claim_or_on_a_withdrawn_plan(status: GrantPlanStatus, today: date) -> None:
    assert deadline_alert(status, START, END, today) is None


def test_month_end_start_alert_opens_on_the_last_day_of_february() -> None:
    start, end = date(2026, 8, 31), date(2026, 10, 31)
    assert deadline_alert(GrantPlanStatus.DRAFT, start, end, date(2026, 2, 27)).level is AlertLevel.INFO  # type: ignore[union-attr]
    alert = deadline_alert(GrantPlanStatus.DRAFT, start, end, date(2026, 2, 28))
    assert alert is not None and "提出期間中" in alert.text and "令和8年7月31日まで" in alert.text


@pytest.mark.parametrize(
    ("status", "label"),
    [
        (GrantPlanStatus.DRAFT, "作成中"),
        (GrantPlanStatus.NOTIFIED, "計画届提出済"),
        (GrantPlanStatus.CLAIMED, "支給申請済"),
        (GrantPlanStatus.DECIDED, "支給決定済"),
        (GrantPlanStatus.WITHDRAWN, "取下げ"),
    ],
    ids=str,
)
def test_status_labels(status: GrantPlanStatus, label: str) -> None:
    assert status.label == label


def test_employment_labels() -> None:
    assert (EmploymentType.REGULAR.label, EmploymentType.FIXED_TERM.label) == ("正規", "有期")
