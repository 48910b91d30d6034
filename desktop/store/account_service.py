"""Sign-in and the office's users: one transaction per action, each one in the audit log.

Who may do what is checked here for the users themselves (only a 管理者
manages users; anybody changes their own password); what a role may write
elsewhere is checked under every service by store/write_guard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.accounts import (
    MAX_FAILED_ATTEMPTS,
    Actor,
    AuthMode,
    LockState,
    Role,
    login_problem,
    normalise_login,
    password_problem,
)
from desktop.domain.audit import AuditAction
from desktop.store.audit_log import Fact, write_facts
from desktop.store.database import Database
from desktop.store.errors import PermissionDeniedError, SignInError, StaleEditError, ValidationFailed
from desktop.store.import_common import set_signed_in
from desktop.store.models import AppUser, utcnow
from desktop.store.passwords import dummy_hash, hash_password, verify_password
from desktop.store.settings import read_setting, write_setting

AUTH_MODE = "auth.mode"
WRONG_CREDENTIALS = "ログイン名またはパスワードが違います。"
ADMIN_ONLY = "利用者の管理は管理者だけができます。"


@dataclass(frozen=True)
class UserInfo:
    id: int
    login: str
    display_name: str
    role: Role
    active: bool
    locked: bool
    version: int
    last_sign_in_at: datetime | None

    def actor(self) -> Actor:
        return Actor(self.login, self.display_name, self.role, self.id)


def _info(row: AppUser, now: datetime) -> UserInfo:
    locked = LockState(row.failed_attempts, row.locked_until).is_locked(now)
    return UserInfo(
        row.id, row.login, row.display_name, row.role, row.active, locked, row.version, row.last_sign_in_at
    )


def auth_mode(db: Database) -> AuthMode | None:
    """How this database is entered; None until the first-run step has chosen."""
    with db.transaction() as session:
        value = read_setting(session, AUTH_MODE)
    try:
        return AuthMode(value) if value is not None else None
    except ValueError:
        return AuthMode.SIGN_IN  # an unknown value must not open the door


def sign_in_as(db: Database, actor: Actor) -> None:
    """From now on the window acts as `actor`: in the log, in the write guard, in 作成者 fields."""
    db.actor = actor
    set_signed_in(actor.audit_name[:64])


class AccountService:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- first run and mode ------------------------------------------------
    def has_users(self) -> bool:
        with self._db.transaction() as session:
            return bool(session.scalar(select(func.count()).select_from(AppUser)))

    def choose_single_user(self) -> None:
        """The first-run choice of a small office: no sign-in, everybody acts as the PC's login."""
        self._require_admin()
        with self._db.transaction() as session:
            write_setting(session, AUTH_MODE, AuthMode.SINGLE_USER.value)
            write_facts(
                session, self._db.actor, [Fact(AuditAction.SETTING, "settings", None, "サインインなしで使う")]
            )

    def create_first_admin(self, login: str, display_name: str, password: str) -> Actor:
        """The first-run step of an office that signs in: the first 管理者, and sign-in turned on."""
        with self._db.transaction() as session:
            if session.scalar(select(func.count()).select_from(AppUser)):
                raise PermissionDeniedError("最初の管理者はすでに登録されています。")
            row = self._new_user(session, login, display_name, Role.ADMIN, password)
            write_setting(session, AUTH_MODE, AuthMode.SIGN_IN.value)
            actor = Actor(row.login, row.display_name, Role.ADMIN, row.id)
            write_facts(session, actor, [Fact(AuditAction.SETTING, "settings", None, "サインインありで使う")])
        return actor

    def set_mode(self, mode: AuthMode) -> None:
        self._require_admin()
        with self._db.transaction() as session:
            if mode is AuthMode.SIGN_IN and not self._active_admins(session):
                raise ValidationFailed(
                    [("role", "サインインを使うには、有効な管理者を1人以上登録してください。")]
                )
            write_setting(session, AUTH_MODE, mode.value)
            write_facts(session, self._db.actor, [Fact(AuditAction.SETTING, "settings", None, mode.label)])

    # -- signing in --------------------------------------------------------
    def sign_in(self, login: str, password: str, now: datetime | None = None) -> Actor:
        """The user `login` names, when `password` is theirs; SignInError (Japanese) otherwise.

        A failure is counted (and logged) in its own committed transaction
        before the error is raised, so a guesser cannot undo the count.
        """
        now = now or utcnow()
        key = normalise_login(login)
        if self._db.read_only:
            return self._sign_in_read_only(key, password, now)
        failure: str | None = None
        with self._db.transaction() as session:
            row = session.scalar(select(AppUser).where(AppUser.login == key))
            if row is None:
                verify_password(password, dummy_hash())
                self._log_failure(session, key, None, "登録されていないログイン名")
                failure = WRONG_CREDENTIALS
            else:
                lock = LockState(row.failed_attempts, row.locked_until)
                if lock.is_locked(now):
                    self._log_failure(session, key, row.id, "ロック中")
                    failure = self._locked_message(lock, now)
                elif not verify_password(password, row.password_hash):
                    lock = lock.after_failure(now)
                    row.failed_attempts, row.locked_until = lock.failed_attempts, lock.locked_until
                    locked = lock.is_locked(now)
                    self._log_failure(session, key, row.id, "ロックしました" if locked else "パスワード違い")
                    failure = self._locked_message(lock, now) if locked else WRONG_CREDENTIALS
                elif not row.active:
                    self._log_failure(session, key, row.id, "無効な利用者")
                    failure = "この利用者は無効になっています。管理者に相談してください。"
                else:
                    row.failed_attempts, row.locked_until, row.last_sign_in_at = 0, None, now
                    actor = Actor(row.login, row.display_name, row.role, row.id)
                    write_facts(session, actor, [Fact(AuditAction.SIGN_IN, "app_users", row.id, row.login)])
        if failure is not None:
            raise SignInError(failure)
        return actor

    def _sign_in_read_only(self, key: str, password: str, now: datetime) -> Actor:
        """A read-only window cannot count failures: it honours a lock, and the window limits tries."""
        with self._db.transaction() as session:
            row = session.scalar(select(AppUser).where(AppUser.login == key))
            if row is None:
                verify_password(password, dummy_hash())
                raise SignInError(WRONG_CREDENTIALS)
            lock = LockState(row.failed_attempts, row.locked_until)
            if lock.is_locked(now):
                raise SignInError(self._locked_message(lock, now))
            if not verify_password(password, row.password_hash):
                raise SignInError(WRONG_CREDENTIALS)
            if not row.active:
                raise SignInError("この利用者は無効になっています。管理者に相談してください。")
            return Actor(row.login, row.display_name, row.role, row.id)

    @staticmethod
    def _locked_message(lock: LockState, now: datetime) -> str:
        return (
            f"パスワードを続けて{MAX_FAILED_ATTEMPTS}回間違えたため、このログイン名は"
            f"あと{lock.remaining_minutes(now)}分間サインインできません。"
            "急ぐときは、管理者にロックの解除を依頼してください。"
        )

    @staticmethod
    def _log_failure(session: Session, login: str, user_id: int | None, why: str) -> None:
        anonymous = Actor.unknown(login[:64] or "（空欄）")
        write_facts(
            session, anonymous, [Fact(AuditAction.SIGN_IN_FAILED, "app_users", user_id, login, detail=why)]
        )

    # -- managing users (管理者) --------------------------------------------
    def users(self) -> list[UserInfo]:
        now = utcnow()
        with self._db.transaction() as session:
            rows = session.scalars(select(AppUser).order_by(AppUser.login)).all()
            return [_info(row, now) for row in rows]

    def add_user(self, login: str, display_name: str, role: Role, password: str) -> UserInfo:
        self._require_admin()
        with self._db.transaction() as session:
            row = self._new_user(session, login, display_name, role, password)
            return _info(row, utcnow())

    def update_user(
        self, user_id: int, version: int, display_name: str, role: Role, active: bool
    ) -> UserInfo:
        self._require_admin()
        display = display_name.strip()
        if not display or len(display) > 64:
            raise ValidationFailed([("display_name", "表示名を64文字までで入力してください。")])
        with self._db.transaction() as session:
            row = self._row(session, user_id, version)
            losing_admin = row.role is Role.ADMIN and row.active and (role is not Role.ADMIN or not active)
            if losing_admin and self._active_admins(session) <= 1:
                raise ValidationFailed([("role", "有効な管理者が1人もいなくなるため、変更できません。")])
            row.display_name, row.role, row.active = display, role, active
            session.flush()
            return _info(row, utcnow())

    def reset_password(self, user_id: int, password: str) -> None:
        self._require_admin()
        with self._db.transaction() as session:
            row = self._row(session, user_id, None)
            self._set_password(row, password)
            row.failed_attempts, row.locked_until = 0, None

    def unlock(self, user_id: int) -> None:
        self._require_admin()
        with self._db.transaction() as session:
            row = self._row(session, user_id, None)
            row.failed_attempts, row.locked_until = 0, None
            fact = Fact(AuditAction.ACCOUNT, "app_users", row.id, row.login, detail="ロックを解除")
            write_facts(session, self._db.actor, [fact])

    def change_own_password(self, current: str, new: str) -> None:
        user_id = self._db.actor.user_id
        if user_id is None:
            raise PermissionDeniedError("サインインなしで使っているため、パスワードはありません。")
        with self._db.transaction() as session:
            row = self._row(session, user_id, None)
            if not verify_password(current, row.password_hash):
                raise ValidationFailed([("current", "今のパスワードが違います。")])
            self._set_password(row, new)

    # -- helpers -----------------------------------------------------------
    def _require_admin(self) -> None:
        if not self._db.actor.role.can_administer:
            raise PermissionDeniedError(ADMIN_ONLY)

    @staticmethod
    def _active_admins(session: Session) -> int:
        query = select(func.count()).select_from(AppUser).where(AppUser.role == Role.ADMIN, AppUser.active)
        return int(session.scalar(query) or 0)

    @staticmethod
    def _row(session: Session, user_id: int, version: int | None) -> AppUser:
        row = session.get(AppUser, user_id)
        if row is None:
            raise StaleEditError("この利用者はほかの画面で削除されました。一覧を読み込み直してください。")
        if version is not None and row.version != version:
            raise StaleEditError(
                "この利用者はほかの画面で変更されました。一覧を読み込み直してから、もう一度操作してください。"
            )
        return row

    @staticmethod
    def _set_password(row: AppUser, password: str) -> None:
        problem = password_problem(password, row.login)
        if problem is not None:
            raise ValidationFailed([("password", problem)])
        row.password_hash = hash_password(password)

    @staticmethod
    def _new_user(session: Session, login: str, display_name: str, role: Role, password: str) -> AppUser:
        key = normalise_login(login)
        display = display_name.strip()
        problems: list[tuple[str, str]] = []
        if (problem := login_problem(key)) is not None:
            problems.append(("login", problem))
        elif session.scalar(select(AppUser.id).where(AppUser.login == key)) is not None:
            problems.append(("login", f"ログイン名「{key}」はすでに使われています。"))
        if not display or len(display) > 64:
            problems.append(("display_name", "表示名を64文字までで入力してください。"))
        if (problem := password_problem(password, key)) is not None:
            problems.append(("password", problem))
        if problems:
            raise ValidationFailed(problems)
        row = AppUser(login=key, display_name=display, role=role, password_hash=hash_password(password))
        session.add(row)
        session.flush()
        return row
