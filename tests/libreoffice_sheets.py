"""Every sheet of an xlsx as LibreOffice shows it (tests/libreoffice.py reads the first only).

The CSV filter's 12th token (-1) writes each sheet to ``<stem>-<sheet>.csv``;
the 9th (true) writes cells as formatted, so a date shows as yyyy/mm/dd or in 和暦.
"""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

from tests.libreoffice import soffice

CSV_ALL_SHEETS = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


def sheets_as_shown(path: Path, work: Path) -> dict[str, list[list[str]]]:
    """Sheet name → its rows as LibreOffice shows them."""
    out = work / f"lo-{path.stem}"
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={(work / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            CSV_ALL_SHEETS,
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    prefix = f"{path.stem}-"
    return {
        file.stem.removeprefix(prefix): list(csv.reader(io.StringIO(file.read_text(encoding="utf-8"))))
        for file in out.glob("*.csv")
    }
