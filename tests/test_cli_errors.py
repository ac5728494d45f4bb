"""What an operator mistypes at the terminal gets one line that says what is wrong and
a non-zero exit code, never a traceback: a port in use, a database nobody answers at, a
database scheme we do not speak, tables not made yet, a file that is not there, a
negative limit."""

from __future__ import annotations

import socket

import pytest

from bot.cli import main
from bot.settings import get_settings


@pytest.fixture(autouse=True)
def fresh_settings():
    """The settings are read once per process: each test here sets its own."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    err = capsys.readouterr().err
    return code, err


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (("classify", "--file", "/nonexistent/words.txt"), "No such file"),
        (("evaluate", "--labels", "/nonexistent/labels.jsonl"), "No such file"),
        (("tickets", "list", "--limit", "-1"), "non-negative"),
    ],
)
def test_a_mistyped_command_gets_one_line(capsys, monkeypatch, tmp_path, argv, needle):
    monkeypatch.setenv("DATABASE_URL", f"sqlite://{tmp_path}/cli.db")
    main(["migrate"])
    capsys.readouterr()
    code, err = run(capsys, *argv)
    assert code == 1 and needle in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_databases_that_are_not_there_or_not_ready(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "mysql://someone@127.0.0.1/db")
    get_settings.cache_clear()
    code, err = run(capsys, "migrate")
    assert code == 2 and "unsupported scheme 'mysql'" in err
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nobody answers there
    monkeypatch.setenv("DATABASE_URL", f"postgres://someone@127.0.0.1:{port}/db")
    get_settings.cache_clear()
    code, err = run(capsys, "migrate")
    assert code == 1 and "cannot reach the database" in err and "Traceback" not in err
    monkeypatch.setenv("DATABASE_URL", f"sqlite://{tmp_path}/empty.db")
    get_settings.cache_clear()
    code, err = run(capsys, "report", "--month", "2026-11")
    assert code == 1 and "python -m bot migrate" in err


def test_a_port_in_use_is_said_in_one_line(capsys, monkeypatch, tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        monkeypatch.setenv("DATABASE_URL", f"sqlite://{tmp_path}/run.db")
        monkeypatch.setenv("GUANJIA_HTTP_PORT", str(busy.getsockname()[1]))
        monkeypatch.setenv("GUANJIA_HTTP_HOST", "127.0.0.1")
        code, err = run(capsys, "run")
    assert code == 1 and "another program listens on that port" in err
    assert "Traceback" not in err
