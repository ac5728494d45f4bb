"""The layout's rules, checked on the source (docs/architecture.md): dependencies point
one way (adapters → services → storage → domain → nlp), no module imports itself
back through others, and no handler file grows past what one reads in a sitting."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "models", "nlp", "scheduler")
HANDLER_LINES = 400


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _layer(module: str) -> str:
    if module == "nlp" or module.startswith("nlp."):
        return "nlp"
    if module.startswith("models.domain"):
        return "domain"
    if module.startswith("models"):
        return "storage"
    if module.startswith("handlers"):
        return "services"
    if module.startswith("scheduler"):
        return "jobs"
    return "adapters"


ALLOWED = {
    "nlp": {"nlp"},
    "domain": {"nlp", "domain"},
    "storage": {"nlp", "domain", "storage"},
    "services": {"nlp", "domain", "storage", "services"},
    "jobs": {"nlp", "domain", "storage", "services", "jobs"},
    "adapters": {"nlp", "domain", "storage", "services", "jobs", "adapters"},
}


def _imports() -> dict[str, set[str]]:
    """Every module of ours and the modules of ours it imports (anywhere in it)."""
    modules = {
        _module(p): p
        for pkg in PACKAGES
        for p in (ROOT / pkg).rglob("*.py")
        if ".venv" not in p.parts
    }
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            else:
                continue
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and target.split(".")[0] in PACKAGES:
                    found.add(target)
        graph[name] = found
    return graph


GRAPH = _imports()


def test_dependencies_point_one_way():
    wrong = sorted(
        f"{module} ({_layer(module)}) imports {target} ({_layer(target)})"
        for module, targets in GRAPH.items()
        for target in targets
        if _layer(target) not in ALLOWED[_layer(module)]
    )
    assert wrong == []


def test_a_channel_uses_no_other_channels_internals():
    """Channels share the transport helpers of their platform family only."""
    shared = {"bot.channels", "bot.channels.media", "bot.channels.utf8"}
    family = {
        "bot.channels.telegram": {"bot.channels.telegram_http"},
        "bot.channels.wechat": {"bot.channels.wechat_api", "bot.channels.wechat_crypto"},
        "bot.channels.wecom": {"bot.channels.wechat_api"},
        "bot.channels.wecom_sender": {"bot.channels.wecom", "bot.channels.wechat_api"},
    }
    wrong = sorted(
        f"{module} imports {target}"
        for module, allowed in family.items()
        for target in GRAPH.get(module, ())
        if target.startswith("bot.channels") and target not in shared | allowed
    )
    assert wrong == []


def test_no_import_cycles():
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(GRAPH.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module)
    assert [" → ".join(c) for c in cycles] == []


@pytest.mark.parametrize("path", sorted((ROOT / "handlers").glob("*.py")), ids=lambda p: p.name)
def test_no_handler_file_is_too_long(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= HANDLER_LINES
