"""The ``halluxpath`` console command.

``halluxpath measure FILE`` (or ``-`` for standard input) applies the
measurement contract to a landmarks document and prints the result as JSON,
without starting Django. Every other ``halluxpath <command>`` runs one of the
site's management commands with the project's settings (``migrate``,
``load_demo``, ``audit verify``, ``create_user``, ...); ``halluxpath help``
lists them.
"""

from __future__ import annotations

import json
import os
import sys
from typing import TextIO

USAGE = "usage: halluxpath measure FILE   (FILE may be - for standard input)"


def measure_command(args: list[str], stdout: TextIO, stderr: TextIO) -> int:
    """Exit 0 with the measurements on stdout, or 2 with ``error: ...`` on stderr.

    Only the clinical core is imported: measuring a file needs no settings,
    no database and no Django.
    """
    from halluxpath.core.landmarks import LandmarkError, parse_landmarks_json
    from halluxpath.core.radiograph import measure

    if args in (["-h"], ["--help"]):
        stdout.write(USAGE + "\n")
        return 0
    if len(args) != 1:
        stderr.write(f"error: give exactly one landmarks file\n{USAGE}\n")
        return 2
    source = args[0]
    try:
        raw = _read_standard_input() if source == "-" else _read_file(source)
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        name = "standard input" if source == "-" else source
        stderr.write(f"error: cannot read {name}: {reason}\n")
        return 2
    try:
        result = measure(parse_landmarks_json(raw)).to_json()
    except LandmarkError as error:
        stderr.write(f"error: {error}\n")
        return 2
    stdout.write(json.dumps(result) + "\n")
    return 0


def _read_file(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _read_standard_input() -> bytes | str:
    if sys.stdin is None:
        raise OSError("there is no standard input")
    buffer = getattr(sys.stdin, "buffer", None)
    return buffer.read() if buffer is not None else sys.stdin.read()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["measure"]:
        return measure_command(args[1:], sys.stdout, sys.stderr)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "halluxpath.site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["halluxpath", *args])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
