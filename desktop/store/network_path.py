"""Is a file on a network share? A SQLite file must not be shared that way (DESIGN.md: Data).

SQLite relies on the file system's locks, which network file systems (SMB,
NFS) implement unreliably; two PCs writing one file on a share can corrupt it.
The window warns and recommends the PostgreSQL set-up. Detection is pure: the
operating system is asked through probes the caller may replace (tests pass a
fake mount table or fake Windows answers).
"""

from __future__ import annotations

import os
import posixpath
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PureWindowsPath

# GetDriveTypeW answers (winbase.h).
DRIVE_UNKNOWN = 0
DRIVE_REMOTE = 4

# Linux file-system types (the third field of /proc/mounts) that reach another machine.
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "sshfs",
        "fuse.sshfs",
        "fuse.smbnetfs",
        "fuse.gvfsd-fuse",  # GNOME's "Other Locations" (smb://, sftp://) under /run/user/<uid>/gvfs
        "fuse.rclone",
        "afs",
        "ncpfs",
        "ceph",
        "glusterfs",
        "fuse.glusterfs",
        "lustre",
        "davfs",
        "fuse.davfs2",
    }
)


@dataclass(frozen=True)
class NetworkLocation:
    """Where a path leaves this PC: the share (\\\\server\\share, Z:, or server:/export) and how."""

    share: str
    kind: str  # "unc", "network-drive", or the Linux file-system type
    mount_point: str = ""

    def describe(self) -> str:
        if self.kind == "unc":
            return f"ネットワーク上の共有フォルダ {self.share}"
        if self.kind == "network-drive":
            return f"ネットワークドライブ {self.share}"
        return f"ネットワーク上のファイルシステム（{self.kind}: {self.share}、{self.mount_point}）"


def read_proc_mounts() -> str:
    try:
        with open("/proc/self/mounts", encoding="utf-8", errors="surrogateescape") as handle:
            return handle.read()
    except OSError:
        return ""


def windows_drive_type(root: str) -> int:
    """GetDriveTypeW for a root such as "Z:\\"; DRIVE_UNKNOWN off Windows."""
    if sys.platform != "win32":
        return DRIVE_UNKNOWN
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(root))


def network_location(
    path: str | os.PathLike[str],
    *,
    platform: str = sys.platform,
    mounts: Callable[[], str] = read_proc_mounts,
    drive_type: Callable[[str], int] = windows_drive_type,
) -> NetworkLocation | None:
    """The share `path` (absolute, already resolved) lives on, or None for a local disk."""
    text = os.fspath(path)
    if platform == "win32":
        return _windows_location(text, drive_type)
    return _mounted_location(text, mounts())


def _windows_location(text: str, drive_type: Callable[[str], int]) -> NetworkLocation | None:
    # Extended-length forms: \\?\UNC\server\share\... is a share, \\?\C:\... is a drive.
    if text[:8].upper() == "\\\\?\\UNC\\":
        text = "\\\\" + text[8:]
    elif text.startswith(("\\\\?\\", "\\\\.\\")):
        text = text[4:]
    drive = PureWindowsPath(text).drive
    if drive.startswith(("\\\\", "//")):
        return NetworkLocation(share=drive.replace("/", "\\"), kind="unc")
    if len(drive) == 2 and drive[1] == ":":
        root = drive.upper() + "\\"
        try:
            answer = drive_type(root)
        except OSError:
            return None
        if answer == DRIVE_REMOTE:
            return NetworkLocation(share=drive.upper(), kind="network-drive")
    return None


_ESCAPE = re.compile(r"\\([0-7]{3})")


def _unescape(field: str) -> str:
    """/proc/mounts writes space, tab, newline and backslash as octal escapes."""
    return _ESCAPE.sub(lambda match: chr(int(match.group(1), 8)), field)


def _under(mount_point: str, path: str) -> bool:
    if mount_point == "/":
        return True
    return path == mount_point or path.startswith(mount_point.rstrip("/") + "/")


def _mounted_location(text: str, table: str) -> NetworkLocation | None:
    path = posixpath.normpath(text)
    best: tuple[str, str, str] | None = None  # (mount point, device, type)
    for line in table.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        device, mount_point, kind = _unescape(fields[0]), _unescape(fields[1]), fields[2]
        # ">=": of two mounts on one point, the later one is on top and is what the path reaches.
        if _under(mount_point, path) and (best is None or len(mount_point) >= len(best[0])):
            best = (mount_point, device, kind)
    if best is None or best[2] not in NETWORK_FILESYSTEMS:
        return None
    mount_point, device, kind = best
    return NetworkLocation(share=device, kind=kind, mount_point=mount_point)
