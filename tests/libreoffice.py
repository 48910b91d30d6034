"""Reading an xlsx the way LibreOffice computes and shows it (formulas evaluated)."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def soffice() -> str:
    """The soffice path; skips the test where LibreOffice is missing, fails in CI."""
    found = shutil.which("soffice")
    if found is None:
        if _in_ci():
            pytest.fail("LibreOffice (soffice) is required in CI")
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def shown_cells(path: Path, work: Path) -> list[list[str]]:
    """The first sheet of `path` as LibreOffice shows it: computed formulas, formatted values."""
    out = work / "lo-csv"
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={(work / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",  # comma, double quote, UTF-8
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = (out / f"{path.stem}.csv").read_text(encoding="utf-8")
    return list(csv.reader(io.StringIO(text)))
