"""The offline guarantee: every main workflow runs with the network switched off.

In-process, socket creation (IPv4/IPv6) and name lookups are replaced for the
duration of each test by a function that records the attempt and raises
(monkeypatch, so nothing outlasts the test: the PostgreSQL fixture's loopback
sockets elsewhere are unaffected). AF_UNIX sockets stay allowed: they never
leave the machine. A subprocess run adds a Python audit hook, which sees every
socket the interpreter creates or connects, however it was reached.
Everything here is SQLite.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop.__main__ import main
from desktop.domain.diagnosis import DiagnosisKind
from desktop.store.database import open_database
from desktop.store.demo import seed_demo_office
from desktop.store.diagnosis_service import DiagnosisService
from desktop.store.migrate import prepare_database
from desktop.store.roster_service import RosterService

ROOT = Path(__file__).resolve().parents[2]


class NetworkUsed(AssertionError):
    pass


def _block(monkeypatch: pytest.MonkeyPatch, attempts: list[str]) -> None:
    real_socket = socket.socket

    class GuardedSocket(real_socket):  # type: ignore[misc, valid-type]
        def __init__(self, family: Any = -1, type: Any = -1, proto: Any = -1, fileno: Any = None) -> None:
            if fileno is None and (socket.AF_INET if family == -1 else family) != socket.AF_UNIX:
                attempts.append(f"socket({family!r})")
                raise NetworkUsed(f"a network socket was opened: family {family!r}")
            super().__init__(family, type, proto, fileno)

    def refuse(name: str) -> Any:
        def refused(*args: Any, **kwargs: Any) -> Any:
            attempts.append(f"{name}{args!r}")
            raise NetworkUsed(f"socket.{name} was called: {args!r}")

        return refused

    monkeypatch.setattr(socket, "socket", GuardedSocket)
    for name in (
        "create_connection",
        "create_server",
        "getaddrinfo",
        "gethostbyname",
        "gethostbyname_ex",
        "gethostbyaddr",
    ):
        monkeypatch.setattr(socket, name, refuse(name))


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    attempts: list[str] = []
    _block(monkeypatch, attempts)
    yield attempts
    assert attempts == [], f"network used: {attempts}"  # even if the code swallowed the error


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The demo office, seeded with the network off; each test uses a copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    attempts: list[str] = []
    with pytest.MonkeyPatch.context() as monkeypatch:
        _block(monkeypatch, attempts)
        db = open_database(path)
        try:
            prepare_database(db)
            seed_demo_office(db)
        finally:
            db.dispose()
    assert attempts == []
    with sqlite3.connect(path) as connection:
        [(year,)] = connection.execute("SELECT max(fiscal_year) FROM learning_plans").fetchall()
    return path, int(year)


@pytest.fixture
def demo(demo_file: tuple[Path, int], tmp_path: Path) -> tuple[Path, int]:
    source, year = demo_file
    return Path(shutil.copy(source, tmp_path / "office.sqlite")), year


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def test_the_guard_really_blocks(offline: list[str]) -> None:
    with pytest.raises(NetworkUsed):
        socket.create_connection(("192.0.2.1", 80))
    with pytest.raises(NetworkUsed):
        socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).close()  # local IPC stays allowed
    offline.clear()


def test_roster_import_and_export(
    offline: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "office.sqlite")
    roster = tmp_path / "名簿.csv"
    roster.write_bytes(
        "職員番号,氏名,フリガナ,団体名\r\n0001,髙橋　①郎,ﾀｶﾊｼ ｲﾁﾛｳ,みらい市\r\n".encode("cp932")
    )
    assert "新規 1件" in cli(capsys, "--db", db, "roster", "import", str(roster))
    cli(capsys, "--db", db, "roster", "export", str(tmp_path / "out.csv"))
    cli(capsys, "--db", db, "roster", "export", str(tmp_path / "out.xlsx"))
    assert "髙橋" in (tmp_path / "out.csv").read_bytes().decode("cp932")
    assert (tmp_path / "out.xlsx").stat().st_size > 0


def test_diagnosis_start_answer_complete(offline: list[str], demo: tuple[Path, int]) -> None:
    path, _year = demo
    db = open_database(path)
    try:
        learner = RosterService(db).roster_rows()[0]
        service = DiagnosisService(db)
        _id, framework = service.frameworks.current()
        [diagnosis_id] = service.start([learner.id], DiagnosisKind.PERIODIC, on=date(2026, 1, 20))
        service.answer_many(diagnosis_id, {item.id: 2 for item in framework.items})
        assert service.complete(diagnosis_id).complete
    finally:
        db.dispose()


def test_plans_grants_and_exports(
    offline: list[str], demo: tuple[Path, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, year = demo
    base = ("--db", str(path))
    cli(capsys, *base, "plan", "propose", "--all", "--fiscal-year", str(year))
    with sqlite3.connect(path) as connection:
        [(number,)] = connection.execute(
            "SELECT l.number FROM learning_plans p JOIN learners l ON l.id = p.learner_id"
            " WHERE p.current = 1 AND p.fiscal_year = ? ORDER BY l.number LIMIT 1",
            (year,),
        ).fetchall()
    plan_pdf = tmp_path / "計画.pdf"
    cli(
        capsys,
        *base,
        "plan",
        "print",
        "--learner",
        number,
        "--fiscal-year",
        str(year),
        "--out",
        str(plan_pdf),
    )
    assert plan_pdf.read_bytes().startswith(b"%PDF")

    figures = json.loads(
        cli(
            capsys,
            "grant",
            "estimate",
            "--size",
            "sme",
            "--method",
            "classroom",
            "--hours",
            "150",
            "--fee",
            "600000",
            "--start",
            "2026-06-01",
        )
    )
    assert figures
    grant_plan = cli(capsys, *base, "grant", "list").splitlines()[0].split("\t")[0]
    sheet = tmp_path / "記入シート.pdf"
    cli(capsys, *base, "grant", "sheet", "--plan", grant_plan, "--out", str(sheet))
    assert sheet.read_bytes().startswith(b"%PDF")

    for kind in ("procurement", "effect"):
        out = tmp_path / f"{kind}.xlsx"
        cli(capsys, *base, "export", kind, "--fiscal-year", str(year), "--out", str(out))
        assert out.read_bytes().startswith(b"PK")


def test_main_window_shows_every_page_on_the_demo_database(
    offline: list[str], demo: tuple[Path, int], qtbot: QtBot
) -> None:
    from desktop.ui.app import create_application, open_for_window
    from desktop.ui.main_window import MainWindow
    from desktop.ui.pages.catalog import PAGES
    from desktop.ui.workers import wait_for_background_work

    path, _year = demo
    create_application()
    db, _report, _folder = open_for_window(str(path), demo=False)
    try:
        window = MainWindow()
        qtbot.addWidget(window)
        window.attach_database(db)
        window.show()
        for spec in PAGES:
            window.show_page(spec.key)
            qtbot.wait(20)
            assert window.current_page_key() == spec.key
        wait_for_background_work()
        window.close()
    finally:
        db.dispose()


# A subprocess as a user runs it, with an audit hook that refuses any non-local socket.
GUARD = """
import socket, sys
def hook(event, args):
    if event == "socket.__new__" and args[1] not in (socket.AF_UNIX, -1):
        raise OSError("offline test: socket family %r" % (args[1],))
    if event in ("socket.connect", "socket.bind", "socket.sendto") and args[0].family != socket.AF_UNIX:
        raise OSError("offline test: %s %r" % (event, args[1:]))
    if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"):
        raise OSError("offline test: %s %r" % (event, args))
sys.addaudithook(hook)
from desktop.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


def guarded(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", GUARD, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def test_the_subprocess_guard_really_blocks() -> None:
    code = GUARD.replace("from desktop.__main__ import main\nsys.exit(main(sys.argv[1:]))", "")
    code += "socket.create_connection(('192.0.2.1', 80), timeout=1)\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "offline test" in result.stderr


def test_headless_commands_in_a_guarded_process(demo: tuple[Path, int], tmp_path: Path) -> None:
    path, year = demo
    for args in (
        ("roster", "export", str(tmp_path / "名簿.xlsx")),
        ("export", "effect", "--fiscal-year", str(year), "--out", str(tmp_path / "effect.xlsx")),
        ("grant", "sheet", "--plan", "1", "--out", str(tmp_path / "sheet.pdf")),
    ):
        result = guarded("--db", str(path), *args)
        assert result.returncode == 0, result.stderr
    result = guarded("selftest", "--no-gui")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_window_in_a_guarded_process(demo: tuple[Path, int]) -> None:
    path, _year = demo
    result = guarded("--db", str(path), "--page", "plans", "--quit-after-show")
    assert result.returncode == 0, result.stderr
