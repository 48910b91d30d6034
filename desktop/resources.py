"""Where shipped files live (checkout or frozen bundle alike) and where the user's data goes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from desktop import APP_ID


def app_root() -> Path:
    """The folder holding resources/ and forms/ (PyInstaller unpacks them to _MEIPASS)."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    return app_root().joinpath("resources", *parts)


def form_path(name: str) -> Path:
    return app_root() / "forms" / name


def migrations_path() -> Path:
    return Path(__file__).resolve().parent / "store" / "migrations"


def data_dir() -> Path:
    """The per-user data folder, the same one QStandardPaths.AppDataLocation names.

    Computed without Qt so that headless commands agree with the window on
    where the default database is. MANABI_DATA_DIR overrides it (tests, kiosks).
    """
    override = os.environ.get("MANABI_DATA_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_ID
