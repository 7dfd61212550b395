"""Run a command against a throwaway PostgreSQL cluster.

    python scripts/pgtemp.py -- pytest

Creates a cluster with ``initdb`` in a new temporary directory, starts it on a
free loopback port with ``pg_ctl``, runs the command with ``DATABASE_URL``
pointing at it, then stops the server and deletes the directory, whatever the
command did. PostgreSQL refuses to run as root, so when run as root the
cluster belongs to the unprivileged ``postgres`` user (created by Debian's
postgresql package) and the server commands run as that user.

Speed over durability: fsync is off. Never point this at data you keep.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

SERVER_USER = "postgres"


def find_bindir() -> Path:
    """The newest installed PostgreSQL's bin directory."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    sys.exit("error: PostgreSQL's initdb was not found; install the postgresql package")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def as_server_user(command: Sequence[str]) -> list[str]:
    if os.geteuid() != 0:
        return list(command)
    return ["runuser", "-u", SERVER_USER, "--", *command]


@contextmanager
def temporary_cluster() -> Iterator[str]:
    bindir = find_bindir()
    workdir = Path(tempfile.mkdtemp(prefix="halluxpath-pg-"))
    data = workdir / "data"
    log = workdir / "server.log"
    port = free_port()
    if os.geteuid() == 0:
        account = pwd.getpwnam(SERVER_USER)
        os.chown(workdir, account.pw_uid, account.pw_gid)
    started = False
    try:
        subprocess.run(
            as_server_user(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        options = (
            f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        subprocess.run(
            as_server_user(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(log),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "60",
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        started = True
        # The database DATABASE_URL names, for commands that use it as it is
        # (benchmarks, the app); the tests make their own test_ database.
        subprocess.run(
            as_server_user(
                [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "halluxpath"]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        yield f"postgres://postgres@127.0.0.1:{port}/halluxpath"
    except subprocess.CalledProcessError:
        if log.exists():
            sys.stderr.write(log.read_text(errors="replace"))
        raise
    finally:
        if started:
            subprocess.run(
                as_server_user(
                    [str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]
                ),
                check=False,
                stdout=subprocess.DEVNULL,
            )
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    if not argv:
        sys.exit("usage: pgtemp.py -- COMMAND [ARGS...]")
    with temporary_cluster() as url:
        print(f"PostgreSQL test cluster at {url}", flush=True)
        env = {**os.environ, "DATABASE_URL": url}
        return subprocess.run(argv, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
