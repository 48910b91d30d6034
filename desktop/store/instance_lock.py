"""One writer per SQLite file: an OS lock on `<database>.lock` that dies with its process.

The window takes the lock before it opens (and perhaps migrates) a SQLite
file; a second window on the same file, on this PC or on another one reaching
the file through a share, finds the lock taken, reads who holds it from the
file and opens the database read-only instead.

Why an OS lock and not "the file exists": a crashed instance (power cut,
killed from the task manager) cannot clean up after itself, and a lock that
outlived it would block the office until someone deleted a file by hand. The
kernel releases a flock (POSIX) or a byte-range lock (Windows, msvcrt.locking,
which is LockFile; an SMB server releases it when the client's session goes)
when the process ends however it ends, so a left-over lock file only carries
stale details, which the next holder overwrites.

The lock file itself is never deleted: unlinking a file other processes may
have open and be about to lock would let two holders exist at once (one on
the old, unlinked file, one on a new one). On release its details are blanked.

Windows byte-range locks are mandatory: nobody else can read a locked byte.
The details are written at the start of the file and the lock is taken on one
byte far beyond them (locking past the end of a file is allowed and does not
grow it), so the second instance can still read who holds the file.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
import sys
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from desktop import __version__

LOCK_SUFFIX = ".lock"
# The byte the Windows lock covers (1 GiB in: never reached by the details).
_LOCK_OFFSET = 1 << 30
# The details are padded to a fixed size, so a later, shorter record never
# needs the file truncated (truncating a file with a byte-range lock is asking
# for trouble on some SMB servers) and a reader never sees a mix of two.
_RECORD_SIZE = 4096


@dataclass(frozen=True)
class LockHolder:
    """Who holds a database, as the holder wrote it into the lock file."""

    host: str
    user: str
    pid: int
    started: str  # ISO 8601, local time of the holder's PC
    version: str = ""

    @classmethod
    def for_this_process(cls) -> LockHolder:
        try:
            user = getpass.getuser()
        except (OSError, KeyError, ImportError):  # no USERNAME/LOGNAME and no passwd entry
            user = "不明"
        return cls(
            host=socket.gethostname() or "不明",
            user=user,
            pid=os.getpid(),
            started=datetime.now().isoformat(timespec="seconds"),
            version=__version__,
        )

    def describe(self) -> str:
        """Japanese, for a message: which PC, which user, since when."""
        try:
            since = datetime.fromisoformat(self.started).strftime("%Y年%m月%d日 %H:%M")
        except ValueError:
            since = self.started
        here = "（このPC）" if self.host == socket.gethostname() else ""
        return f"PC「{self.host}」{here}のユーザー「{self.user}」が {since} から開いています（プロセス番号 {self.pid}）"


class AlreadyOpenError(Exception):
    """Another process holds the database's lock; `holder` is who, when the file says so."""

    def __init__(self, database: Path, holder: LockHolder | None) -> None:
        self.database = database
        self.holder = holder
        super().__init__(f"{database} is locked by {holder}")


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + LOCK_SUFFIX)


def read_holder(database: Path) -> LockHolder | None:
    """The details in the lock file, or None if there are none (or they cannot be read)."""
    try:
        with lock_path(database).open("rb") as handle:
            raw = handle.read(_RECORD_SIZE)
    except OSError:
        return None
    try:
        data = json.loads(raw.decode("utf-8").strip() or "null")
        if not isinstance(data, dict):
            return None
        return LockHolder(
            host=str(data["host"]),
            user=str(data["user"]),
            pid=int(data["pid"]),
            started=str(data["started"]),
            version=str(data.get("version", "")),
        )
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None  # half-written by a holder that is just starting, or not ours


def _try_lock(fd: int) -> bool:
    """Take the lock without waiting; False if another process has it."""
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as exc:  # EAGAIN/EACCES on some file systems mean "held" too
        import errno

        if exc.errno in (errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def _write_record(fd: int, payload: bytes) -> None:
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, payload.ljust(_RECORD_SIZE, b" "))
    with contextlib.suppress(OSError):  # best effort: the details are for people, the lock is the kernel's
        os.fsync(fd)


class InstanceLock:
    """A held lock on one database. Release it (or let the process end) to free the file."""

    def __init__(self, database: Path, fd: int, holder: LockHolder) -> None:
        self.database = database
        self.path = lock_path(database)
        self.holder = holder
        self._fd: int | None = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            with contextlib.suppress(OSError):
                _write_record(fd, b"")
            with contextlib.suppress(OSError):
                _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> InstanceLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def acquire_instance_lock(database: Path) -> InstanceLock | None:
    """Lock `database` for this process.

    Raises AlreadyOpenError if another process (or another lock in this one)
    holds it. Returns None when no lock file can be made at all (a read-only
    folder or medium): there is then nothing to protect against, since no
    instance can write there either.
    """
    path = lock_path(database)
    binary = getattr(os, "O_BINARY", 0)  # no newline translation on Windows
    try:
        # Not inherited by child processes (PEP 446); 0o666 less the umask, like the database.
        fd = os.open(path, os.O_RDWR | os.O_CREAT | binary, 0o666)
    except OSError:
        try:
            # Another user's lock file on a share may be read-only to us: a lock
            # needs only read access (flock, LockFile), the details stay theirs.
            fd = os.open(path, os.O_RDONLY | binary)
        except OSError:
            return None
    try:
        locked = _try_lock(fd)
    except BaseException:
        os.close(fd)
        raise
    if not locked:
        os.close(fd)
        raise AlreadyOpenError(database, read_holder(database))
    holder = LockHolder.for_this_process()
    with contextlib.suppress(OSError):
        _write_record(fd, json.dumps(asdict(holder), ensure_ascii=False).encode("utf-8")[:_RECORD_SIZE])
    return InstanceLock(database, fd, holder)
