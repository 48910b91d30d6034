"""Where shipped files live, from a source checkout and from a frozen bundle alike."""

from __future__ import annotations

import sys
from pathlib import Path


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
