"""Crash-safe file writing shared by the exports and the PDFs (no Qt, no database)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


@contextmanager
def replacing(path: Path) -> Iterator[IO[bytes]]:
    """A binary file that becomes `path` only if the block completes.

    It is written as ``name.part``, flushed to disk and renamed over `path`; on any
    error the part is removed, so a failed or cancelled run leaves the old file as
    it was. OSError passes through for the caller to word for its kind of file.
    """
    part = path.with_name(path.name + ".part")
    try:
        with part.open("wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
