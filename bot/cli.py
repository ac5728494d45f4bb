"""``python -m bot``: one entry point with subcommands (``run`` is the default).

Each subcommand is registered by the module that owns it, so this file only
assembles them and turns expected failures (bad config, bad arguments) into a
one-line message and an exit code instead of a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from models.domain.config import ConfigError

EXIT_CONFIG = 2


def build_parser() -> argparse.ArgumentParser:
    from bot import commands, onboarding
    from nlp import cli as nlp_cli

    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Guanjia (管家): the chat-bot front office of a property-management company.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.register(sub)
    onboarding.register(sub)
    nlp_cli.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["run", *argv]
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ConfigError as e:
        print(f"configuration error: {e}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130
