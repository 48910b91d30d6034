"""The headless entry points, run as a user runs them: a separate process."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})},
    )


def test_selftest_passes_with_the_window() -> None:
    result = run("-m", "desktop", "selftest")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "selftest: OK" in result.stdout
    assert "名簿 page showed the learner" in result.stdout
    assert "QtPdf loaded a PDF and rendered page 1" in result.stdout
    assert "QtPrintSupport printed page 1" in result.stdout
    assert re.search(r"grant rules bundled \([1-9][0-9]* rule sets\) and applied", result.stdout)


def test_headless_commands_never_load_qt() -> None:
    code = (
        "import sys, desktop.cli, desktop.__main__;"
        "sys.exit(desktop.__main__.main(['selftest', '--no-gui']) or "
        "any(m.startswith('PySide6') for m in sys.modules))"
    )
    result = run("-c", code)
    assert result.returncode == 0, result.stdout + result.stderr


def test_window_shows_before_the_store_is_imported() -> None:
    code = (
        "import sys; from desktop.ui.app import create_application; from desktop.ui.main_window import MainWindow;"
        "app = create_application(); w = MainWindow(); w.show();"
        "sys.exit(any(m.startswith(('sqlalchemy', 'alembic')) for m in sys.modules))"
    )
    result = run("-c", code)
    assert result.returncode == 0, result.stdout + result.stderr


def test_bad_database_exits_2_with_the_message(tmp_path: Path) -> None:
    bogus = tmp_path / "名簿.csv"
    bogus.write_text("職員番号,氏名\n1,山田\n", encoding="utf-8")
    result = run("-m", "desktop", "--db", str(bogus), "--quit-after-show")
    assert result.returncode == 2
    assert "まなび台帳のデータベースではありません" in result.stderr
    assert bogus.read_text(encoding="utf-8") == "職員番号,氏名\n1,山田\n"


def test_window_opens_on_a_database_and_quits(tmp_path: Path) -> None:
    database = tmp_path / "office.sqlite"
    result = run("-m", "desktop", "--db", str(database), "--page", "roster", "--quit-after-show")
    assert result.returncode == 0, result.stderr
    assert "shown rows=0" in result.stdout
    assert database.exists()


def test_demo_window_opens_and_cleans_up(tmp_path: Path) -> None:
    result = run(
        "-m", "desktop", "--demo", "--page", "roster", "--quit-after-show", env={"TMPDIR": str(tmp_path)}
    )
    assert result.returncode == 0, result.stderr
    shown = int(result.stdout.split("shown rows=")[1].split()[0])
    assert 250 <= shown <= 350
    assert not list(tmp_path.glob("manabi-demo-*"))


def test_console_script_is_declared() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'manabi = "desktop.__main__:main"' in text


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    marker = "<!-- test-command -->"
    command = readme.split(marker)[1].split("```")[1].strip().removeprefix("bash").strip()
    assert command in ci
