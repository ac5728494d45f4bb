"""Config errors through the CLI: one clear line naming the file and key, exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, env: dict | None = None, cwd: Path | None = None):
    full_env = {**os.environ, **(env or {})}
    full_env.pop("GUANJIA_CONFIG", None) if env is None or "GUANJIA_CONFIG" not in env else None
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=full_env,
        timeout=60,
    )


def example_text() -> str:
    return (ROOT / "guanjia.example.yaml").read_text(encoding="utf-8")


def test_example_config_is_valid():
    r = run_cli("check-config", str(ROOT / "guanjia.example.yaml"))
    assert r.returncode == 0, r.stderr
    assert "OK" in r.stdout and "1 communities" in r.stdout


@pytest.mark.parametrize(
    "name,content,expected_key,expected_words",
    [
        ("missing", None, "", "file not found"),
        (
            "bad_yaml",
            "timezone: Asia/Shanghai\ncommunities: [\n  - code: x\n",
            "line",
            "not valid YAML",
        ),
        ("unknown_key", example_text() + "\nbuisness_hours: {}\n", "buisness_hours", "unknown key"),
        (
            "wrong_type",
            example_text().replace("floors: 18", "floors: eighteen", 1),
            "communities[0].buildings[0].floors",
            "valid integer",
        ),
        (
            "bad_time",
            example_text().replace('start: "08:30"', 'start: "8.30am"'),
            "business_hours.start",
            "time of day",
        ),
        (
            "bad_timezone",
            example_text().replace("timezone: Asia/Shanghai", "timezone: Mars/Base"),
            "timezone",
            "unknown timezone",
        ),
        ("not_a_mapping", "- just\n- a list\n", "", "mapping"),
        (
            "bad_placeholder",
            example_text().replace("texts: {}", "texts:\n  unit_bound:\n    zh_hans: 好的{name}"),
            "texts.unit_bound.zh_hans",
            "unknown placeholder {name}",
        ),
        (
            "unknown_text",
            example_text().replace("texts: {}", "texts:\n  greetng:\n    zh_hans: 您好"),
            "texts.greetng",
            "unknown text key",
        ),
        (
            "bad_reference",
            example_text().replace("community: demo", "community: nowhere", 1),
            "staff[0].community",
            "nowhere",
        ),
    ],
)
def test_config_errors_are_one_clear_line_and_exit_2(
    tmp_path, name, content, expected_key, expected_words
):
    path = tmp_path / f"{name}.yaml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    r = run_cli("check-config", str(path))
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert str(path) in lines[0]
    assert expected_key in lines[0]
    assert expected_words in lines[0]


def test_run_with_a_bad_config_exits_2_without_traceback(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("communities: 3\n", encoding="utf-8")
    r = run_cli(
        "run", env={"GUANJIA_CONFIG": str(path), "DATABASE_URL": f"sqlite://{tmp_path}/x.db"}
    )
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and "communities" in r.stderr


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["run"],
        ["migrate"],
        ["check-config"],
        ["tickets"],
        ["tickets", "list"],
        ["tickets", "show"],
    ],
)
def test_every_command_has_help(command):
    r = run_cli(*command, "--help")
    assert r.returncode == 0, r.stderr
    assert "usage:" in r.stdout


def test_a_valid_text_override_is_accepted(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text(
        example_text().replace(
            "texts: {}", "texts:\n  unit_bound:\n    zh_hans: 好的，房号 {unit} 已记下。"
        ),
        encoding="utf-8",
    )
    r = run_cli("check-config", str(path))
    assert r.returncode == 0, r.stderr
