"""Reading the language layer's YAML files (rules, FAQ, regional words) strictly.

YAML keeps the last of two equal keys in a mapping without a word, so a second
``patterns:`` in a group, or a regional word written twice with two meanings, would
silently drop the first; these files are edited by hand, so that is an error here.
"""

from __future__ import annotations

from typing import Any

import yaml


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key given twice in one mapping."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"{key!r} is given twice in one mapping", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load(text: str) -> Any:
    """The data of one YAML document (safe types only); yaml.YAMLError on a key given twice."""
    return yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
