"""A throwaway PostgreSQL server for tests: initdb into a temp dir, serve on loopback, delete afterwards."""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

SUPERUSER = "manabi"
# Durability is worthless for a server whose data is deleted at the end of the session.
_SPEED_SETTINGS = "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL server binaries are not installed."""


def find_pg_bin_dir() -> str | None:
    def version(bin_dir: Path) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", bin_dir.parent.name))

    # Debian's /usr/bin wrappers pick a cluster version implicitly; the versioned dir is unambiguous.
    for bin_dir in sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True):
        if (bin_dir / "initdb").is_file() and (bin_dir / "pg_ctl").is_file():
            return str(bin_dir)
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl and os.path.dirname(initdb) == os.path.dirname(pg_ctl):
        return os.path.dirname(initdb)
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """A throwaway PostgreSQL server on loopback for one test session."""

    def __init__(self) -> None:
        bin_dir = find_pg_bin_dir()
        if bin_dir is None:
            raise PostgresUnavailable("initdb/pg_ctl not found: apt-get install postgresql")
        self.bin_dir = Path(bin_dir)
        # initdb refuses to run as root, so root hands the work to the postgres account.
        self._as_postgres = os.geteuid() == 0
        self.port = 0
        self.tmp_dir: Path | None = None

    def _run(self, tool: str, *args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        assert self.tmp_dir is not None
        prefix = ["runuser", "-u", "postgres", "--"] if self._as_postgres else []
        # cwd: the postgres account may not be able to enter the caller's working directory.
        return subprocess.run(
            [*prefix, str(self.bin_dir / tool), *map(str, args)],
            cwd=self.tmp_dir,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def _log_tail(self, lines: int = 30) -> str:
        assert self.tmp_dir is not None
        try:
            return "\n".join((self.tmp_dir / "server.log").read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log was written)"

    def start(self) -> None:
        if self.tmp_dir is not None:
            raise RuntimeError("PostgresServer already started")
        # Registered first so that even an interrupted start is cleaned up at exit.
        atexit.register(self.stop)
        self.tmp_dir = Path(tempfile.mkdtemp(prefix="manabi-pg-"))
        data, log = self.tmp_dir / "data", self.tmp_dir / "server.log"
        try:
            if self._as_postgres:
                shutil.chown(self.tmp_dir, "postgres", "postgres")
            init = self._run(
                "initdb",
                "-D",
                data,
                "-U",
                SUPERUSER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
                "--no-instructions",
            )
            if init.returncode != 0:
                raise RuntimeError(f"initdb failed ({init.returncode}):\n{init.stdout}{init.stderr}")
            for _ in range(3):
                self.port = _free_port()
                with (data / "postgresql.conf").open("a") as conf:  # later lines override earlier ones
                    conf.write(
                        f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                        f"unix_socket_directories = '{self.tmp_dir}'\n{_SPEED_SETTINGS}"
                    )
                ctl = self._run("pg_ctl", "start", "-w", "-t", "30", "-D", data, "-l", log)
                if ctl.returncode == 0:
                    return
                # Someone may take the probed port before the postmaster binds it; only that is retryable.
                if "Address already in use" not in self._log_tail():
                    break
                log.unlink(missing_ok=True)
            raise RuntimeError(
                f"PostgreSQL failed to start ({ctl.returncode}): {ctl.stdout}{ctl.stderr}\n"
                f"--- server log tail ---\n{self._log_tail()}"
            )
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self.tmp_dir is None:
            return
        atexit.unregister(self.stop)
        pid_file = self.tmp_dir / "data" / "postmaster.pid"
        try:
            if pid_file.exists():
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._run("pg_ctl", "stop", "-D", pid_file.parent, "-m", "immediate", "-w", "-t", "10")
                self._kill_survivor(pid_file)
        finally:
            shutil.rmtree(self.tmp_dir, ignore_errors=True)
            self.tmp_dir = None

    @staticmethod
    def _kill_survivor(pid_file: Path) -> None:
        def serves_data_dir(pid: int) -> bool:
            # Matching the command line guards against recycled pids; zombies have an empty one.
            try:
                return str(pid_file.parent).encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                return False

        # The postmaster deletes its pid file on exit, so one that outlived "pg_ctl stop" means it is stuck.
        try:
            pid = int(pid_file.read_text().split()[0])
            if serves_data_dir(pid):
                # pg_ctl starts the postmaster in its own session, so its group holds all the backends too.
                os.killpg(pid, signal.SIGKILL)
        except (OSError, ValueError, IndexError):
            return
        deadline = time.monotonic() + 5
        while serves_data_dir(pid) and time.monotonic() < deadline:
            time.sleep(0.05)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _execute(self, statement: sql.Composed) -> None:
        if self.tmp_dir is None:
            raise RuntimeError("PostgresServer is not running")
        # CREATE/DROP DATABASE cannot run inside a transaction block.
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(statement)

    def create_database(self, name: str, template: str | None = None) -> str:
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        self._execute(statement)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self._execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
