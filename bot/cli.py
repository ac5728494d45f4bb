"""``python -m bot``: one entry point with subcommands (``run`` is the default).

Each subcommand is registered by the module that owns it, so this file only
assembles them and turns expected failures (bad config, bad arguments) into a
one-line message and an exit code instead of a traceback.
"""

from __future__ import annotations

import argparse
import errno
import sys
from collections.abc import Sequence

from tortoise.exceptions import (
    ConfigurationError,
    DBConnectionError,
    OperationalError,
    ParamsError,
)

from models.domain.config import ConfigError

EXIT_CONFIG = 2
EXIT_FAILED = 1


DB_DRIVERS = ("aiomysql", "asyncmy", "asyncpg", "psycopg", "aiosqlite", "asyncodbc")


def _said(e: BaseException) -> str:
    if isinstance(e, ModuleNotFoundError) and (e.name or "") in DB_DRIVERS:
        return f"{e} (is DATABASE_URL a sqlite:// or postgres:// address?)"
    if isinstance(e, OSError) and e.errno == errno.EADDRINUSE:
        return f"{e.strerror}: another program listens on that port (set GUANJIA_HTTP_PORT)"
    if isinstance(e, DBConnectionError | ConnectionRefusedError):
        return f"cannot reach the database: {e} (check DATABASE_URL)"
    return str(e) or type(e).__name__


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
    except BrokenPipeError:  # `… | head`: the reader had enough
        sys.stderr.close()
        return 0
    except (OSError, ModuleNotFoundError, ConfigurationError, DBConnectionError, ParamsError) as e:
        # a port in use, a database that does not answer or whose driver is missing, a
        # file that is not there: one line that says what, not a traceback
        print(f"python -m bot {args.command}: {_said(e)}", file=sys.stderr)
        return EXIT_FAILED
    except OperationalError as e:
        if "no such table" not in str(e) and "does not exist" not in str(e):
            raise
        print(
            f"python -m bot {args.command}: the database has no tables yet ({e}): "
            "run python -m bot migrate first",
            file=sys.stderr,
        )
        return EXIT_FAILED
