"""The Inno Setup script: read as text (ISCC does not run here), checked for what must hold.

Per user without administrator rights, the bundle build.spec makes, shortcuts,
a fixed AppId, the version of pyproject.toml, and above all: the uninstaller
never deletes the user's data folder (%APPDATA%\\ManabiLedger).
"""

from __future__ import annotations

import re
import tomllib
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "resources" / "installer" / "manabi.iss"


def raw() -> bytes:
    return SCRIPT.read_bytes()


def sections() -> dict[str, list[str]]:
    """Section name (lower case) -> its lines, comments and blank lines left out."""
    found: dict[str, list[str]] = {}
    current = ""
    for line in raw().decode("utf-8-sig").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(";"):
            continue
        header = re.fullmatch(r"\[(\w+)\]", stripped)
        if header:
            current = header.group(1).lower()
            found.setdefault(current, [])
            continue
        found.setdefault(current, []).append(stripped)
    return found


def setup() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in sections()["setup"])
    return {key.strip().lower(): value.strip() for key, value in pairs}


def entries(section: str) -> list[dict[str, str]]:
    """`Name: "x"; Flags: y` lines as dicts (keys lower case, quotes removed)."""
    result = []
    for line in sections().get(section, []):
        entry = {}
        for part in re.findall(r'(\w+):\s*("[^"]*"|[^;]*)', line):
            entry[part[0].lower()] = part[1].strip().strip('"')
        result.append(entry)
    return result


def test_is_utf8_with_a_bom_so_inno_setup_reads_the_japanese() -> None:
    assert raw().startswith(b"\xef\xbb\xbf")
    assert "まなび台帳" in raw().decode("utf-8-sig")


def test_installs_per_user_without_administrator_rights() -> None:
    values = setup()
    assert values["privilegesrequired"] == "lowest"
    assert "privilegesrequiredoverridesallowed" not in values  # never offers to elevate
    assert values["defaultdirname"] in {r"{userpf}\ManabiLedger", r"{localappdata}\Programs\ManabiLedger"}


def test_app_id_is_a_fixed_guid() -> None:
    app_id = setup()["appid"]
    match = re.fullmatch(r"\{\{([0-9A-Fa-f-]{36})\}", app_id)
    assert match, app_id
    uuid.UUID(match.group(1))


def test_version_comes_from_a_define_that_defaults_to_pyproject() -> None:
    text = raw().decode("utf-8-sig")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    fallback = re.search(r'#ifndef AppVersion\s+#define AppVersion "([^"]+)"\s+#endif', text)
    assert fallback and fallback.group(1) == project["version"]
    assert setup()["appversion"] == "{#AppVersion}"
    assert "ISCC /DAppVersion=" in text


def test_japanese_ui() -> None:
    languages = entries("languages")
    assert languages == [{"name": "japanese", "messagesfile": r"compiler:Languages\Japanese.isl"}]


def test_installs_the_one_folder_bundle() -> None:
    assert setup()["sourcedir"] == r"..\.."  # relative to the script: the repository root
    files = entries("files")
    assert len(files) == 1
    (bundle,) = files
    assert bundle["source"] == r"dist\manabi\*"
    assert bundle["destdir"] == "{app}"
    assert {"recursesubdirs", "createallsubdirs"} <= set(bundle["flags"].split())
    assert 'name="manabi"' in (ROOT / "build.spec").read_text(encoding="utf-8")  # dist\manabi\manabi.exe


def test_start_menu_and_optional_desktop_shortcuts() -> None:
    icons = {entry["name"]: entry for entry in entries("icons")}
    assert icons[r"{autoprograms}\{#AppName}"]["filename"] == r"{app}\{#AppExeName}"
    desktop = icons[r"{autodesktop}\{#AppName}"]
    assert desktop["tasks"] == "desktopicon"
    (task,) = entries("tasks")
    assert task["name"] == "desktopicon" and "unchecked" in task["flags"]
    assert re.search(r'#define AppExeName "manabi\.exe"', raw().decode("utf-8-sig"))


def test_registers_an_uninstaller() -> None:
    values = setup()
    assert values.get("uninstallable", "yes").lower() not in {"no", "false", "0"}
    assert values["uninstalldisplayname"] and values["uninstalldisplayicon"].startswith("{app}")
    assert "createuninstallregkey" not in values or values["createuninstallregkey"].lower() == "yes"


def test_the_uninstaller_never_deletes_the_users_data() -> None:
    found = sections()
    assert "uninstalldelete" not in found
    assert "code" not in found  # no Pascal that could DelTree anything
    # Whatever is deleted at install time lies inside {app}.
    for entry in entries("installdelete"):
        assert entry["name"].startswith("{app}\\"), entry
    text = raw().decode("utf-8-sig").lower()
    for constant in ("{userappdata}", "{localappdata}\\manabiledger", "{commonappdata}", "%appdata%"):
        for line in text.splitlines():
            if constant in line:
                assert line.lstrip().startswith(";"), line  # only ever named in a comment
    assert "never touched" in text and "%appdata%\\manabiledger" in text


@pytest.mark.parametrize("flag", ["uninsneveruninstall", "deleteafterinstall"])
def test_no_surprising_file_flags(flag: str) -> None:
    for entry in entries("files"):
        assert flag not in entry.get("flags", "")
