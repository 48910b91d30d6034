from datetime import datetime, timedelta

import pytest

from desktop.domain.accounts import (
    LOCKOUT,
    MAX_FAILED_ATTEMPTS,
    Actor,
    LockState,
    Role,
    login_problem,
    normalise_login,
    password_problem,
)
from desktop.domain.audit import AuditAction, action_label, clip, field_label

NOW = datetime(2026, 12, 3, 9, 0)


def test_roles_decide_editing_and_administering() -> None:
    assert [r.label for r in Role] == ["管理者", "担当者", "閲覧者"]
    assert [r.can_edit for r in Role] == [True, True, False]
    assert [r.can_administer for r in Role] == [True, False, False]


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("abc12345", True),
        ("abc1234", False),  # one short
        ("a" * 129, False),
        (" abc12345", False),
        ("aaaaaaaaab", False),  # two distinct characters
        ("Tanaka-01", False),  # the login itself, any case
        ("ｐａｓｓｗｏｒｄ９", True),
    ],
)
def test_password_rule(password: str, ok: bool) -> None:
    assert (password_problem(password, "tanaka-01") is None) is ok


def test_full_width_login_is_the_same_login() -> None:
    assert normalise_login(" ＴＡＮＡＫＡ ") == "tanaka"
    assert login_problem("tanaka") is None
    assert login_problem("t") is not None
    assert login_problem("田中") is not None
    assert login_problem("-tanaka") is not None


def test_lock_after_max_failures_then_expires() -> None:
    state = LockState(0, None)
    for attempt in range(1, MAX_FAILED_ATTEMPTS):
        state = state.after_failure(NOW)
        assert state.failed_attempts == attempt
        assert not state.is_locked(NOW)
    state = state.after_failure(NOW)
    assert state.is_locked(NOW)
    assert state.is_locked(NOW + LOCKOUT - timedelta(seconds=1))
    assert not state.is_locked(NOW + LOCKOUT)
    assert state.remaining_minutes(NOW) == 15
    assert state.remaining_minutes(NOW + timedelta(minutes=14, seconds=30)) == 1
    # A failure once the lock has run out starts counting again.
    assert state.after_failure(NOW + LOCKOUT) == LockState(1, None)


def test_actor_names_itself_for_the_log() -> None:
    assert Actor("tanaka", "田中　一郎", Role.STAFF).audit_name == "田中　一郎（tanaka）"
    assert Actor("tanaka", "tanaka", Role.STAFF).audit_name == "tanaka"
    assert Actor("tanaka", "田中", Role.VIEWER).describe() == "田中（tanaka）・閲覧者"


def test_audit_labels() -> None:
    assert action_label(AuditAction.EXPORT.value) == "出力"
    assert action_label("unknown") == "unknown"
    assert field_label("learners", "furigana") == "フリガナ"
    assert field_label("learners", None) == ""
    assert clip("あ" * 600) == "あ" * 499 + "…"
    assert clip("短い") == "短い"
