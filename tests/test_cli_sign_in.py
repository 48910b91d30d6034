"""Commands against a database that signs people in: --user and the password, the role, the log."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.domain.accounts import Role
from desktop.store.account_service import AccountService, sign_in_as
from desktop.store.database import Database, os_actor
from desktop.store.models import AuditEntry
from tests.test_cli_exchange import cli, url_of, write

PASSWORD = "sakura-2026"
ROSTER = ["職員番号,氏名,カナ氏名,団体名", "A1,山田　太郎,ヤマダ　タロウ,みらい市"]


@pytest.fixture
def office(db: Database) -> Database:
    service = AccountService(db)
    sign_in_as(db, service.create_first_admin("kanri", "管理　花子", PASSWORD))
    service.add_user("tanaka", "田中　一郎", Role.STAFF, PASSWORD)
    service.add_user("sato", "佐藤　花子", Role.VIEWER, PASSWORD)
    sign_in_as(db, os_actor())
    return db


def last_entry(db: Database) -> AuditEntry:
    with db.transaction() as session:
        return session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()


def test_a_command_without_user_is_refused(
    office: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = cli(capsys, "--db", url_of(office), "roster", "export", str(tmp_path / "x.csv"))
    assert code == 2 and "--user ログイン名" in err
    assert not (tmp_path / "x.csv").exists()


def test_a_wrong_password_is_refused_and_counted(
    office: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MANABI_PASSWORD", "wrong-pass")
    code, _out, err = cli(
        capsys, "--db", url_of(office), "--user", "tanaka", "roster", "export", str(tmp_path / "x.csv")
    )
    assert code == 2 and "ログイン名またはパスワードが違います" in err
    assert last_entry(office).action == "sign_in_failed"


def test_staff_imports_and_the_log_says_who(
    office: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MANABI_PASSWORD", PASSWORD)
    source = write(tmp_path / "r.csv", ROSTER)
    code, _out, err = cli(capsys, "--db", url_of(office), "--user", "tanaka", "roster", "import", str(source))
    assert code == 0, err
    entry = last_entry(office)
    assert (entry.action, entry.actor_login, entry.actor_role) == ("import", "tanaka", "staff")


def test_a_viewer_may_export_but_not_import(
    office: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MANABI_PASSWORD", PASSWORD)
    source = write(tmp_path / "r.csv", ROSTER)
    code, _out, err = cli(capsys, "--db", url_of(office), "--user", "sato", "roster", "import", str(source))
    assert code == 2 and "閲覧者の権限では変更できません" in err
    out = tmp_path / "名簿.csv"
    code, _out, err = cli(capsys, "--db", url_of(office), "--user", "sato", "roster", "export", str(out))
    assert code == 0, err
    entry = last_entry(office)
    assert (entry.action, entry.actor_login, entry.entity_label) == ("export", "sato", "名簿")


def test_backup_needs_an_admin(
    sqlite_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    service = AccountService(sqlite_db)
    sign_in_as(sqlite_db, service.create_first_admin("kanri", "管理　花子", PASSWORD))
    service.add_user("tanaka", "田中　一郎", Role.STAFF, PASSWORD)
    monkeypatch.setenv("MANABI_PASSWORD", PASSWORD)
    monkeypatch.setenv("MANABI_DATA_DIR", str(tmp_path / "data"))
    out = tmp_path / "控え.sqlite"
    code, _out, err = cli(capsys, "--db", url_of(sqlite_db), "--user", "tanaka", "backup", "--out", str(out))
    assert code == 2 and "管理者だけ" in err and not out.exists()
    code, _out, err = cli(capsys, "--db", url_of(sqlite_db), "--user", "kanri", "backup", "--out", str(out))
    assert code == 0, err
    entry = last_entry(sqlite_db)
    assert (entry.action, entry.actor_login, entry.entity_label) == (
        "export",
        "kanri",
        "データベースのバックアップ",
    )
