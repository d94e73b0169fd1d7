"""Safe reading of one YAML fact file into plain data plus the line of every value.

The reader keeps every scalar as text (no implicit floats or dates), refuses what a hand-written
fact file never needs and an attacker might use (object-constructing tags, anchors and aliases,
duplicate keys, deep nesting), and records where each value sits so that validation errors can
name the line. libyaml's C parser is used when PyYAML was built with it.

Examples
--------
>>> doc = read_yaml_text("pledges:\\n  - id: p1\\n    amount: 5.8 billion\\n", "x.yaml")
>>> doc.data
{'pledges': [{'id': 'p1', 'amount': '5.8 billion'}]}
>>> str(doc.location(("pledges", 0, "amount")))
'x.yaml:3:13'
>>> doc.release(); str(doc.location(("pledges", 0)))
'x.yaml:2:5'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import yaml

from loaders.errors import FactError, Location, Problem
from loaders.paths import MAX_FILE_BYTES

__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "MAX_SCALAR_CHARS", "YamlDocument", "read_yaml", "read_yaml_text"]

MAX_DEPTH = 32
"""Fact files are at most a few levels deep; anything deeper is an error, not a stack overflow."""


MAX_SCALAR_CHARS = 10_000
"""No value in a fact file is longer: labels and notes are short, quotes shorter still (see records)."""

_MAX_KEY_CHARS = 100
"""Keys are section and field names; a long key would only make a long message."""

_SAFE_NESTING = 5_000
"""libyaml's composer recurses per nesting level and crashes the process somewhere past 12,000."""

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}
_NULLS = {"", "~", "null", "Null", "NULL"}
_DEFAULT_TAGS = {
    yaml.ScalarNode: "tag:yaml.org,2002:str",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}


class _TextResolver(yaml.resolver.BaseResolver):
    """Resolve every untagged node to str, seq or map: types are decided by validation, not YAML."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[Any]]] = {}

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:  # called for each node: keep it cheap
        return _DEFAULT_TAGS[kind]


if getattr(yaml, "__with_libyaml__", False):

    class _Loader(yaml.cyaml.CParser, _TextResolver):  # type: ignore[misc]
        """A composer-only loader on libyaml: it builds nodes with marks, never objects."""

        def __init__(self, stream: str) -> None:
            yaml.cyaml.CParser.__init__(self, stream)
            _TextResolver.__init__(self)

else:  # pragma: no cover - PyYAML built without libyaml

    class _Loader(  # type: ignore[no-redef]
        yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer, _TextResolver
    ):
        """The same loader in pure Python, for PyYAML builds without libyaml."""

        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            _TextResolver.__init__(self)


@dataclass
class YamlDocument:
    """The plain data of a fact file, and its node tree for finding where a value was written.

    The node tree holds every value's line and column. It is kept while the file is validated and
    can then be released to save memory; :meth:`location` composes the text again (and keeps the
    tree) if asked later, which happens only to report a problem.
    """

    path: str
    text: str
    data: Any = None
    root: yaml.Node | None = field(default=None, repr=False)

    def location(self, path: Sequence[str | int]) -> Location:
        """Where the value at ``path`` (or its nearest enclosing value) was written."""
        if self.root is None:
            self.root = _compose(self.text, self.path)
        node = self.root
        for step in path:
            child = _child(node, step)
            if child is None:
                break
            node = child
        return Location(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def release(self) -> None:
        """Drop the node tree; locations are found again by composing the text when needed."""
        self.root = None


def read_yaml(path: Path, display: str | None = None) -> YamlDocument:
    """Read and compose one fact file, raising :class:`FactError` for anything unsafe or malformed."""
    from loaders.paths import ReadRefused, read_regular

    name = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            message = (
                f"file is {size / 2**20:.1f} MiB; fact files must be under {MAX_FILE_BYTES // 2**20} MiB (split it)"
            )
            raise FactError([Problem(Location(name), message)])
        raw = read_regular(path, MAX_FILE_BYTES, "fact file")
    except ReadRefused as err:
        raise FactError([Problem(Location(name), err.reason)]) from None
    except OSError as err:
        raise FactError([Problem(Location(name), f"cannot read file: {err.strerror}")]) from None
    return read_yaml_bytes(raw, name)


def read_yaml_bytes(raw: bytes, name: str) -> YamlDocument:
    """Decode and compose the bytes of one fact file (named ``name`` in error messages)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        problem = Problem(Location(name, line, column), "file is not UTF-8 text (save it as UTF-8)")
        raise FactError([problem]) from None
    return read_yaml_text(text, name)


def read_yaml_text(text: str, name: str) -> YamlDocument:
    """Compose YAML text into a :class:`YamlDocument`; ``name`` is used in error messages."""
    root = _compose(text, name)
    problems: list[Problem] = []
    data = _to_data(root, 0, name, problems, set())
    if problems:
        raise FactError(problems)
    return YamlDocument(name, text, data, root)


def _compose(text: str, name: str) -> yaml.Node:
    _check_nesting(text, name)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
        message = " ".join(filter(None, [err.context, err.problem])) or "malformed YAML"
        raise FactError([Problem(where, f"malformed YAML: {message}")]) from None
    except yaml.reader.ReaderError as err:
        line = text.count("\n", 0, err.position) + 1
        column = err.position - (text.rfind("\n", 0, err.position) + 1) + 1
        character = f"U+{err.character:04X}" if isinstance(err.character, int) else repr(err.character)
        problem = f"control character {character} is not allowed in YAML text (remove it or write it escaped)"
        raise FactError([Problem(Location(name, line, column), problem)]) from None
    except (yaml.YAMLError, RecursionError) as err:
        raise FactError([Problem(Location(name), f"malformed YAML: {' '.join(str(err).split())}")]) from None
    finally:
        loader.dispose()
    if node is None:
        raise FactError([Problem(Location(name), "file is empty: write at least one section")])
    return node


def _check_nesting(text: str, name: str) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH` before composing, which would recurse.

    Nesting needs a bracket or a step of a line per level, so most files are proved shallow by a
    cheap bound; only a file that might be deep is walked event by event (which does not recurse),
    by PyYAML's own parser: libyaml's reads far ahead and gives up at its own depth limit, before
    the event that is too deep, so it could not say where.
    """
    if len(text) <= _SAFE_NESTING:
        return
    bound = text.count("[") + text.count("{") + max(map(len, text.splitlines()), default=0)
    if bound <= _SAFE_NESTING:
        return
    loader = yaml.SafeLoader(text)
    depth = 0
    try:
        while (event := loader.get_event()) is not None:
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    where = Location(name, event.start_mark.line + 1, event.start_mark.column + 1)
                    raise FactError([Problem(where, f"nested more than {MAX_DEPTH} levels deep")])
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # malformed: composing reports it with its position
    finally:
        loader.dispose()


def _child(node: yaml.Node, step: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
        return node.value[step]
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == step:
                return value
    return None


def _where(name: str, node: yaml.Node) -> Location:
    return Location(name, node.start_mark.line + 1, node.start_mark.column + 1)


def _to_data(node: yaml.Node, depth: int, name: str, problems: list[Problem], seen: set[int]) -> Any:
    """Turn a node into str / list / dict, collecting every problem met."""
    if id(node) in seen:
        problems.append(Problem(_where(name, node), "YAML anchors and aliases (&, *) are not allowed in fact files"))
        return None
    seen.add(id(node))
    if node.tag not in _PLAIN_TAGS:
        problems.append(Problem(_where(name, node), f"YAML tag {node.tag!r} is not allowed in fact files"))
        return None
    if depth > MAX_DEPTH:
        problems.append(Problem(_where(name, node), f"nested more than {MAX_DEPTH} levels deep"))
        return None
    if isinstance(node, yaml.ScalarNode):
        if len(node.value) > MAX_SCALAR_CHARS:
            message = f"value is {len(node.value):,} characters; a value in a fact file is at most {MAX_SCALAR_CHARS:,}"
            problems.append(Problem(_where(name, node), message))
            return None
        return None if not node.style and node.value in _NULLS else node.value
    if isinstance(node, yaml.SequenceNode):
        return [_to_data(item, depth + 1, name, problems, seen) for item in node.value]
    mapping: dict[str, Any] = {}
    first_seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _PLAIN_TAGS:
            problems.append(Problem(_where(name, key_node), "mapping keys must be plain text"))
            continue
        key = key_node.value
        if len(key) > _MAX_KEY_CHARS:
            problems.append(Problem(_where(name, key_node), f"a key is at most {_MAX_KEY_CHARS} characters"))
            continue
        if key in first_seen:
            problems.append(
                Problem(_where(name, key_node), f"duplicate key {key!r} (first written on line {first_seen[key]})")
            )
            continue
        first_seen[key] = key_node.start_mark.line + 1
        mapping[key] = _to_data(value_node, depth + 1, name, problems, seen)
    return mapping
