"""App users, their roles and the rules for passwords and lockout (no I/O).

Three roles, as the office divides the work: 管理者 keeps the settings, the
users and the rule files; 担当者 keeps the roster and the records; 閲覧者 only
looks (and prints or exports, which the audit log records).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return {"admin": "管理者", "staff": "担当者", "viewer": "閲覧者"}[self.value]

    @property
    def can_edit(self) -> bool:
        return self is not Role.VIEWER

    @property
    def can_administer(self) -> bool:
        return self is Role.ADMIN


class AuthMode(StrEnum):
    """How the window is entered: a single-user office skips sign-in altogether."""

    SINGLE_USER = "single"
    SIGN_IN = "signin"

    @property
    def label(self) -> str:
        return {"single": "サインインなし（1人で使う）", "signin": "サインインあり（利用者ごと）"}[self.value]


# Five wrong passwords in a row lock the account for a quarter of an hour: long
# enough to stop guessing, short enough that a clerk who mistyped is not stuck
# until the 管理者 is found (who can also unlock at once).
MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
LOGIN_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,31}")


@dataclass(frozen=True)
class Actor:
    """Who is doing what the database records: a signed-in user, or the PC's own login."""

    login: str
    display_name: str
    role: Role
    user_id: int | None = None

    @classmethod
    def unknown(cls, typed_login: str) -> Actor:
        """Whoever typed `typed_login` at a failed sign-in: no name, no rights."""
        return cls(typed_login, "", Role.VIEWER)

    @property
    def is_unknown(self) -> bool:
        return not self.display_name and self.user_id is None

    @property
    def audit_name(self) -> str:
        if self.display_name and self.display_name != self.login:
            return f"{self.display_name}（{self.login}）"
        return self.login

    def describe(self) -> str:
        return f"{self.audit_name}・{self.role.label}"


def normalise_login(text: str) -> str:
    """Full-width letters typed with the IME on still name the same user."""
    return unicodedata.normalize("NFKC", text).strip().lower()


def login_problem(login: str) -> str | None:
    if not LOGIN_PATTERN.fullmatch(login):
        return (
            "ログイン名は半角の英数字で2〜32文字にしてください（「.」「_」「-」も使えます。先頭は英数字）。"
        )
    return None


def password_problem(password: str, login: str) -> str | None:
    """The rule a new password must meet, as the message shown when it does not."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください。"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"パスワードは{MAX_PASSWORD_LENGTH}文字までにしてください。"
    if password.strip() != password:
        return "パスワードの先頭と末尾に空白は使えません。"
    if normalise_login(password) == normalise_login(login):
        return "ログイン名と同じパスワードは使えません。"
    if len(set(password)) < 3:
        return "同じ文字ばかりのパスワードは使えません。"
    return None


@dataclass(frozen=True)
class LockState:
    failed_attempts: int
    locked_until: datetime | None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def after_failure(self, now: datetime) -> LockState:
        """A wrong password: one more failure, and a lock once there are too many."""
        if self.locked_until is not None and now >= self.locked_until:
            failures = 1  # the last lock has run out: counting starts again
        else:
            failures = self.failed_attempts + 1
        if failures >= MAX_FAILED_ATTEMPTS:
            return LockState(failures, now + LOCKOUT)
        return LockState(failures, None)

    def remaining_minutes(self, now: datetime) -> int:
        if self.locked_until is None:
            return 0
        seconds = (self.locked_until - now).total_seconds()
        return max(1, int(-(-seconds // 60)))
