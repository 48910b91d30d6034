"""Sign-in, lockout and user management against real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from desktop.domain.accounts import LOCKOUT, MAX_FAILED_ATTEMPTS, AuthMode, Role
from desktop.domain.audit import AuditAction
from desktop.store.account_service import AccountService, auth_mode, sign_in_as
from desktop.store.database import Database, os_actor
from desktop.store.errors import PermissionDeniedError, SignInError, StaleEditError, ValidationFailed
from desktop.store.import_common import current_user
from desktop.store.models import AppUser, AuditEntry, utcnow
from desktop.store.passwords import hash_password, verify_password

PASSWORD = "sakura-2026"


def entries(db: Database) -> list[AuditEntry]:
    with db.transaction() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def first_admin(db: Database) -> AccountService:
    service = AccountService(db)
    actor = service.create_first_admin("kanri", "管理　花子", PASSWORD)
    sign_in_as(db, actor)
    return service


def test_password_hash_is_salted_scrypt_and_verifies() -> None:
    one, two = hash_password(PASSWORD), hash_password(PASSWORD)
    assert one != two and one.startswith("scrypt$16384$8$1$")
    assert PASSWORD not in one
    assert verify_password(PASSWORD, one)
    assert not verify_password("sakura-2027", one)
    assert not verify_password(PASSWORD, "md5$abc")
    assert not verify_password(PASSWORD, "scrypt$16384$8$1$!!!$???")


def test_first_run_creates_the_first_admin_and_turns_sign_in_on(db: Database) -> None:
    service = AccountService(db)
    assert auth_mode(db) is None and not service.has_users()
    actor = service.create_first_admin(" Kanri ", "管理　花子", PASSWORD)
    assert actor.role is Role.ADMIN and actor.login == "kanri"
    assert auth_mode(db) is AuthMode.SIGN_IN
    with db.transaction() as session:
        stored = session.scalars(select(AppUser)).one()
    assert stored.password_hash != PASSWORD and verify_password(PASSWORD, stored.password_hash)
    with pytest.raises(PermissionDeniedError):
        service.create_first_admin("other", "二人目", PASSWORD)
    assert [u.login for u in service.users()] == ["kanri"]


def test_first_admin_with_bad_fields_names_each_and_saves_nothing(db: Database) -> None:
    with pytest.raises(ValidationFailed) as caught:
        AccountService(db).create_first_admin("管理", "", "short")
    assert [field for field, _ in caught.value.problems] == ["login", "display_name", "password"]
    assert auth_mode(db) is None and not AccountService(db).has_users()


def test_single_user_mode_is_remembered(db: Database) -> None:
    AccountService(db).choose_single_user()
    assert auth_mode(db) is AuthMode.SINGLE_USER
    assert entries(db)[-1].action == AuditAction.SETTING.value


def test_sign_in_succeeds_and_is_logged(db: Database) -> None:
    service = first_admin(db)
    service.add_user("tanaka", "田中　一郎", Role.STAFF, PASSWORD)
    actor = service.sign_in("ＴＡＮＡＫＡ", PASSWORD)
    assert (actor.login, actor.role) == ("tanaka", Role.STAFF)
    last = entries(db)[-1]
    assert (last.action, last.actor_login, last.actor_role) == ("sign_in", "tanaka", "staff")


def test_wrong_password_and_unknown_login_say_the_same_and_are_logged(db: Database) -> None:
    service = first_admin(db)
    with pytest.raises(SignInError) as wrong:
        service.sign_in("kanri", "wrong-pass")
    with pytest.raises(SignInError) as unknown:
        service.sign_in("nobody", PASSWORD)
    assert wrong.value.message == unknown.value.message == "ログイン名またはパスワードが違います。"
    failed = [e for e in entries(db) if e.action == AuditAction.SIGN_IN_FAILED.value]
    assert [(e.actor_login, e.detail) for e in failed] == [
        ("kanri", "パスワード違い"),
        ("nobody", "登録されていないログイン名"),
    ]


def test_lockout_after_repeated_failures_then_unlock(db: Database) -> None:
    service = first_admin(db)
    service.add_user("tanaka", "田中　一郎", Role.STAFF, PASSWORD)
    now = utcnow()
    for _ in range(MAX_FAILED_ATTEMPTS - 1):
        with pytest.raises(SignInError, match="違います"):
            service.sign_in("tanaka", "wrong-pass", now)
    with pytest.raises(SignInError, match="続けて5回間違えた"):
        service.sign_in("tanaka", "wrong-pass", now)
    # Locked: even the right password is refused, until the lock runs out.
    with pytest.raises(SignInError, match="あと15分間"):
        service.sign_in("tanaka", PASSWORD, now)
    assert [u.locked for u in service.users() if u.login == "tanaka"] == [True]
    assert service.sign_in("tanaka", PASSWORD, now + LOCKOUT + timedelta(seconds=1)).login == "tanaka"
    # And a 管理者 can lift a lock at once.
    for _ in range(MAX_FAILED_ATTEMPTS):
        with pytest.raises(SignInError):
            service.sign_in("tanaka", "wrong-pass", now)
    tanaka = next(u for u in service.users() if u.login == "tanaka")
    service.unlock(tanaka.id)
    assert service.sign_in("tanaka", PASSWORD, now).login == "tanaka"


def test_disabled_user_cannot_sign_in(db: Database) -> None:
    service = first_admin(db)
    user = service.add_user("tanaka", "田中　一郎", Role.STAFF, PASSWORD)
    service.update_user(user.id, user.version, "田中　一郎", Role.STAFF, active=False)
    with pytest.raises(SignInError, match="無効"):
        service.sign_in("tanaka", PASSWORD)


def test_only_an_admin_manages_users(db: Database) -> None:
    service = first_admin(db)
    service.add_user("tanaka", "田中　一郎", Role.STAFF, PASSWORD)
    sign_in_as(db, service.sign_in("tanaka", PASSWORD))
    with pytest.raises(PermissionDeniedError, match="管理者"):
        service.add_user("suzuki", "鈴木", Role.ADMIN, PASSWORD)
    with pytest.raises(PermissionDeniedError):
        service.set_mode(AuthMode.SINGLE_USER)
    assert [u.login for u in service.users()] == ["kanri", "tanaka"]


def test_the_last_admin_cannot_be_demoted_or_disabled(db: Database) -> None:
    service = first_admin(db)
    admin = service.users()[0]
    with pytest.raises(ValidationFailed, match="管理者が1人もいなくなる"):
        service.update_user(admin.id, admin.version, "管理　花子", Role.STAFF, active=True)
    with pytest.raises(ValidationFailed):
        service.update_user(admin.id, admin.version, "管理　花子", Role.ADMIN, active=False)
    second = service.add_user("suzuki", "鈴木", Role.ADMIN, PASSWORD)
    assert service.update_user(admin.id, admin.version, "管理　花子", Role.STAFF, True).role is Role.STAFF
    with pytest.raises(ValidationFailed):
        service.update_user(second.id, second.version, "鈴木", Role.VIEWER, True)


def test_stale_user_edit_is_refused(db: Database) -> None:
    service = first_admin(db)
    user = service.add_user("tanaka", "田中　一郎", Role.STAFF, PASSWORD)
    service.update_user(user.id, user.version, "田中　一郎（総務）", Role.STAFF, True)
    with pytest.raises(StaleEditError):
        service.update_user(user.id, user.version, "田中", Role.VIEWER, True)
    assert next(u for u in service.users() if u.id == user.id).role is Role.STAFF


def test_role_change_is_logged_and_a_password_never_is(db: Database) -> None:
    service = first_admin(db)
    user = service.add_user("tanaka", "田中　一郎", Role.STAFF, PASSWORD)
    service.update_user(user.id, user.version, "田中　一郎", Role.VIEWER, True)
    service.reset_password(user.id, "new-secret-9")
    changes = [(e.field, e.old_value, e.new_value) for e in entries(db) if e.action == "update"]
    assert ("role", "担当者", "閲覧者") in changes
    assert ("password_hash", "（非表示）", "（非表示）") in changes
    assert all("scrypt" not in (e.old_value or "") + (e.new_value or "") for e in entries(db))
    assert service.sign_in("tanaka", "new-secret-9").role is Role.VIEWER


def test_own_password_change_checks_the_current_one(db: Database) -> None:
    service = first_admin(db)
    with pytest.raises(ValidationFailed, match="今のパスワード"):
        service.change_own_password("wrong-pass", "another-pass-1")
    with pytest.raises(ValidationFailed, match="8文字以上"):
        service.change_own_password(PASSWORD, "short")
    service.change_own_password(PASSWORD, "another-pass-1")
    assert service.sign_in("kanri", "another-pass-1").login == "kanri"
    sign_in_as(db, os_actor())
    with pytest.raises(PermissionDeniedError):
        service.change_own_password(PASSWORD, "another-pass-2")


def test_signed_in_name_is_what_records_carry(db: Database) -> None:
    first_admin(db)
    assert current_user() == "管理　花子（kanri）"


def test_sign_in_on_a_read_only_window_writes_nothing(tmp_path) -> None:
    from desktop.store.database import open_database
    from desktop.store.migrate import prepare_database

    path = tmp_path / "office.sqlite"
    writable = open_database(path)
    prepare_database(writable)
    AccountService(writable).create_first_admin("kanri", "管理", PASSWORD)
    writable.dispose()
    before = path.read_bytes()
    read_only = open_database(path, read_only=True)
    try:
        service = AccountService(read_only)
        with pytest.raises(SignInError):
            service.sign_in("kanri", "wrong-pass")
        assert service.sign_in("kanri", PASSWORD).role is Role.ADMIN
    finally:
        read_only.dispose()
    assert path.read_bytes() == before
