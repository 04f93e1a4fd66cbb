"""YAML read as untrusted input: safe tags only, with a size and an alias budget.

``yaml.safe_load`` refuses Python tags but not an "alias bomb": a few lines of anchors and
aliases that expand to billions of nodes, which hang or exhaust memory as soon as anything
walks the result (or prints it in an error message). :func:`load_yaml` measures the
document's expanded size on the composed node graph, before constructing anything, and
refuses a file that is too large, too deep or expands too far.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import InputError

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "load_yaml", "short"]

#: Largest YAML file read (a configuration or a scenarios file is a few kilobytes).
MAX_BYTES = 2_000_000
#: Most nodes the document may expand to, counting every alias as a full copy.
MAX_NODES = 200_000
#: Deepest nesting allowed.
MAX_DEPTH = 50


def short(value: Any, limit: int = 60) -> str:
    """A value for an error message: its type and a short prefix of its text, never all of it.

    Examples
    --------
    >>> short("abc")
    "'abc'"
    >>> short(list(range(1000)))
    'a list of 1000 items ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, …)'
    """
    if isinstance(value, (list, tuple, dict, set)):
        text = repr(value) if len(value) < 10_000 else f"{type(value).__name__}(...)"
        kind = {"list": "a list", "tuple": "a list", "dict": "a mapping",
                "set": "a set"}[type(value).__name__]
        body = text if len(text) <= limit else text[:limit - 1] + "…"
        return f"{kind} of {len(value)} items ({body})"
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _expanded_size(node: Any, where: str) -> int:
    import yaml

    memo: dict[int, int] = {}
    active: set[int] = set()

    def size(n: Any, depth: int) -> int:
        if depth > MAX_DEPTH:
            raise InputError(f"{where}: YAML nested deeper than {MAX_DEPTH} levels; a "
                             "configuration never needs that", path=where)
        key = id(n)
        if key in memo:
            return memo[key]
        if key in active:
            raise InputError(f"{where}: YAML refers to itself (a recursive alias)", path=where)
        active.add(key)
        total = 1
        if isinstance(n, yaml.SequenceNode):
            total += sum(size(c, depth + 1) for c in n.value)
        elif isinstance(n, yaml.MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in n.value)
        active.discard(key)
        memo[key] = total
        if total > MAX_NODES:
            raise InputError(f"{where}: YAML expands to more than {MAX_NODES:,} values through "
                             "its anchors and aliases (an 'alias bomb'?); write the values out",
                             path=where)
        return total

    return size(node, 0)


def load_yaml(text_or_path: str | Path, *, where: str | None = None) -> Any:
    """Parse YAML safely within budgets; raise :class:`InputError` naming the file otherwise.

    Examples
    --------
    >>> load_yaml("thresholds: [15, 30]")
    {'thresholds': [15, 30]}
    >>> bomb = 'a: &a [x, x, x, x, x, x, x, x, x, x]\\n' + "".join(
    ...     f'{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\\n'
    ...     for p, c in zip("abcdefgh", "bcdefghi"))
    >>> load_yaml(bomb, where="bomb.yaml")
    Traceback (most recent call last):
    ...
    geoaccess.errors.InputError: bomb.yaml: YAML expands to more than 200,000 values ...
    """
    import yaml

    if isinstance(text_or_path, Path):
        where = where or str(text_or_path)
        try:
            n_bytes = text_or_path.stat().st_size
        except OSError as exc:
            raise InputError(f"{where}: cannot read ({exc.strerror})", path=where) from exc
        if n_bytes > MAX_BYTES:
            raise InputError(f"{where}: {n_bytes:,} bytes is too large for a YAML "
                             f"configuration (at most {MAX_BYTES:,})", path=where)
        raw = text_or_path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start}); "
                             "save the file as UTF-8", path=where) from exc
    else:
        text = text_or_path
        where = where or "YAML text"
        if len(text) > MAX_BYTES:
            raise InputError(f"{where}: too large for a YAML configuration", path=where)
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, where)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise InputError(f"{where}: not valid YAML{at}: {short(problem, 120)} (the file is "
                         "not readable YAML: check the brackets and indentation there)",
                         path=where) from exc
    finally:
        loader.dispose()
