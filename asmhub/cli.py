"""The ``asmhub`` console script: every management command, under one name.

``asmhub demo`` sets up and serves the demo platform; ``asmhub <command>`` runs
any Django management command (``asmhub migrate``, ``asmhub import-directory``...).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asmhub.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "asmhub"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
