"""YAML's safe loader, libyaml's when PyYAML has it.

The self-assessment and annual inputs are read several times a run (each document of each year
reads them); libyaml's loader builds the same values several times faster than PyYAML's own.
"""

from __future__ import annotations

import yaml

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Most values a configuration file may hold once its aliases are expanded: the largest the
# product ships holds a few thousand.
MAX_VALUES = 200_000


class YAMLExpansionError(yaml.YAMLError):
    """A YAML file whose anchors and aliases expand to too many values, or refer to themselves."""


def check_expansion(data: object, limit: int = MAX_VALUES) -> None:
    """Refuse YAML whose aliases multiply (a "billion laughs" file) or loop.

    PyYAML builds an alias as a reference to the anchored value, so nine lines of nested aliases
    load in a millisecond, but whatever walks the result (validation, SQL built from a mapping's
    value) sees 43 million values: a mapping's ``value:`` holding one took 23 GB of memory and two
    and a half minutes before the run failed with "Current transaction is aborted" (second hostile
    audit). An alias inside the value it names (``&a [*a]``) makes a list that holds itself. The
    expanded size is counted once per distinct value (memoised), so a normal file costs nothing.

    Raises
    ------
    YAMLExpansionError
        Over ``limit`` values once expanded, or a value that contains itself.
    """
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    # iterative post-order walk: (node, children pending?)
    stack: list[tuple[object, bool]] = [(data, False)]
    while stack:
        node, done = stack.pop()
        if not isinstance(node, (list, dict)):
            continue
        key = id(node)
        children = list(node.values()) if isinstance(node, dict) else node
        if done:
            on_path.discard(key)
            total = 1 + sum(sizes.get(id(c), 1) for c in children)
            if total > limit:
                raise YAMLExpansionError(
                    f"its anchors and aliases (&name, *name) expand to more than {limit:,} "
                    "values; write the values out, or use each alias for a short list only"
                )
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise YAMLExpansionError(
                "an alias (*name) is used inside the value its anchor (&name) names, so the "
                "value contains itself; remove that alias"
            )
        on_path.add(key)
        stack.append((node, True))
        stack.extend(
            (c, False) for c in children if isinstance(c, (list, dict)) and id(c) not in sizes
        )


def safe_load(text: str):
    """``yaml.safe_load(text)`` with :data:`SAFE_LOADER`, aliases checked (:func:`check_expansion`)."""
    data = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    check_expansion(data)
    return data
