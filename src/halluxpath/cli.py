"""The ``halluxpath`` console command.

``halluxpath <command>`` runs one of the site's management commands with the
project's settings (``migrate``, ``load_demo``, ``audit verify``,
``create_user``, ...); ``halluxpath help`` lists them.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "halluxpath.site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["halluxpath", *args])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
