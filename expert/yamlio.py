"""YAML reading with line numbers (ruamel.yaml round-trip nodes), and deterministic YAML writing.

User files (answers files, the ``entities:`` model inside them, rule packs) are hostile until proven
otherwise: ``loads_yaml`` refuses, with one ``file:line:`` message, anything that would cost minutes of
CPU or gigabytes of memory before the data even reaches validation. The raw text is checked first
(size, longest line, flow-bracket depth: ruamel's scanner is quadratic in the depth of ``[[[...``),
then the composer counts nesting depth, aliases and the size of the document as aliases expand it
(aliases share nodes, so a "billion laughs" is measured without being expanded), and refuses explicit
tags, lone surrogates and integers too long to convert. The built-in knowledge is trusted and read by
``load_yaml_fast`` (libyaml) instead.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode
from ruamel.yaml.reader import ReaderError

#: an answers file or a rule pack larger than this is refused before it is parsed
MAX_FILE_BYTES = 1_000_000
#: longest line (characters); real files stay under 400
MAX_LINE_LENGTH = 10_000
#: nesting of mappings and sequences (an answers file with entities needs 6)
MAX_DEPTH = 50
#: ``*alias`` references in one document
MAX_ALIASES = 100
#: values (mappings, sequences, scalars, keys) in one document, counted as written and as aliases
#: expand it; a project's saved file with 100 entities of 6 fields holds about 10,000 (ruamel reads
#: some 10,000 a second, so this also bounds the parse to seconds)
MAX_NODES = 50_000
#: characters in one scalar (a key or a value)
MAX_SCALAR_LENGTH = 10_000
#: digits of an integer (a decimal column holds at most 38)
MAX_INT_DIGITS = 64
INT_TAG = "tag:yaml.org,2002:int"
SURROGATE_RE = re.compile("[\ud800-\udfff]")
FLOW_RE = re.compile(r"[\[\]{}]")
#: a line start followed by too many characters (anchored: unanchored, the search is quadratic in line length)
LONG_LINE_RE = re.compile(f"(?:^|(?<=[\r\n]))[^\r\n]{{{MAX_LINE_LENGTH + 1}}}")


class YamlError(Exception):
    """A file is not valid YAML; the message is ``file:line: problem``."""


class _LimitError(MarkedYAMLError):
    """A document exceeds one of the limits above (raised with the mark of the offending node)."""


def _limit(message: str, mark: Any) -> _LimitError:
    return _LimitError(None, None, message, mark)


class _GuardedComposer(Composer):
    """ruamel's composer, counting depth, aliases and scalar sizes as it goes, and the expanded size
    of the finished document."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader=loader)
        self._depth = 0
        self._aliases = 0
        self._nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _limit(f"more than {MAX_ALIASES} aliases (*name)", event.start_mark)
            return super().compose_node(parent, index)
        tag = getattr(event, "tag", None)
        if tag is not None:  # !!binary, !!set, !!python/..., even !!str (ruamel keeps it as an object)
            shown = _short(str(tag).replace("tag:yaml.org,2002:", "!!"), 40)
            raise _limit(f"the tag {shown} is not accepted: write plain values (quote a text)", event.start_mark)
        self._depth += 1
        self._nodes += 1
        if self._depth > MAX_DEPTH:
            raise _limit(f"nesting deeper than {MAX_DEPTH} levels", event.start_mark)
        if self._nodes > MAX_NODES:
            raise _limit(f"more than {MAX_NODES:,} values", event.start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_scalar_node(self, anchor: Any) -> Any:
        node = super().compose_scalar_node(anchor)
        value = node.value
        if len(value) > MAX_SCALAR_LENGTH:
            raise _limit(f"a value of {len(value):,} characters (at most {MAX_SCALAR_LENGTH:,})", node.start_mark)
        bad = SURROGATE_RE.search(value)
        if bad:
            raise _limit(f"a lone surrogate (U+{ord(bad.group()):04X}) is not text", node.start_mark)
        if str(node.tag) == INT_TAG and sum(ch.isdigit() for ch in value) > MAX_INT_DIGITS:
            raise _limit(f"an integer of more than {MAX_INT_DIGITS} digits", node.start_mark)
        return node

    def get_single_node(self) -> Any:
        node = super().get_single_node()
        if node is not None:
            _check_expanded_size(node)
        return node


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _check_expanded_size(root: Node) -> None:
    """Count the values of the document as if every alias were expanded, without expanding: the size
    of a shared node is computed once (iterative post-order, so depth costs no recursion)."""
    size: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in _children(node))
            if size[key] > MAX_NODES:
                raise _limit(f"more than {MAX_NODES:,} values once aliases are expanded", node.start_mark)
            continue
        if key in size:
            continue
        if key in on_path:
            raise _limit("an alias refers to the collection that contains it (a recursive document)", node.start_mark)
        on_path.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node) if id(c) not in size)


class _GuardedConstructor(RoundTripConstructor):
    """Round-trip construction; a value Python cannot build (``2024-13-45``) is an error at its line."""

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, KeyError, IndexError, OverflowError, TypeError) as exc:
            raise ConstructorError(None, None, f"cannot read this value: {_short(str(exc))}", node.start_mark) from None


def load_yaml(path: Path) -> Any:
    """Parse ``path`` keeping line information (see ``line_of``), within the limits above."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise YamlError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise YamlError(f"{path}:1: the file is larger than {MAX_FILE_BYTES:,} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise YamlError(f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x})") from None
    return loads_yaml(text, str(path))


def load_yaml_fast(path: Path) -> Any:
    """Parse a trusted, already-linted file quickly (libyaml), without line information.

    Used for the built-in knowledge base (about ten times faster than round-trip parsing); a test
    checks that it reads exactly what the round-trip parser reads."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return load_yaml(path)  # the slow path reports the problem with its line


def _prescan(text: str, name: str) -> None:
    """Refuse, before ruamel sees it, text whose parsing alone would be slow: a too long line, or
    flow collections nested too deep. The bracket count ignores quoting, so it can only over-count
    brackets inside quoted text, which real files do not nest 50 deep."""
    if len(text) > MAX_FILE_BYTES:
        raise YamlError(f"{name}:1: the text is longer than {MAX_FILE_BYTES:,} characters")
    long_line = LONG_LINE_RE.search(text)
    if long_line:
        line = text.count("\n", 0, long_line.start()) + 1
        raise YamlError(f"{name}:{line}: a line longer than {MAX_LINE_LENGTH:,} characters")
    depth = 0
    for match in FLOW_RE.finditer(text):
        depth = depth + 1 if match.group() in "[{" else max(depth - 1, 0)
        if depth > MAX_DEPTH:
            line = text.count("\n", 0, match.start()) + 1
            raise YamlError(f"{name}:{line}: invalid YAML: nesting deeper than {MAX_DEPTH} levels")


def loads_yaml(text: str, name: str) -> Any:
    """Parse ``text`` (named ``name`` in errors) with line information, within the limits above."""
    _prescan(text, name)
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    yaml.Composer = _GuardedComposer
    yaml.Constructor = _GuardedConstructor
    try:
        return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise YamlError(f"{name}:{line}: invalid YAML: {_short(problem, 160)}") from None
    except ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else 1
        raise YamlError(f"{name}:{line}: invalid YAML: unacceptable character (U+{exc.character:04X})") from None
    except YAMLError as exc:
        raise YamlError(f"{name}:1: invalid YAML: {_short(str(exc).splitlines()[0])}") from None


def quote(value: Any, limit: int = 60) -> str:
    """``repr(value)``, cut to ``limit`` characters: an error never echoes a huge input back."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 4]}...{text[-1]}"


def _short(text: str, limit: int = 80) -> str:
    """One line of at most ``limit`` characters, for quoting user input in an error."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def line_of(node: Any, key: Any = None) -> int:
    """1-based line of ``node[key]`` (or of ``node``) when ruamel recorded it; else 1."""
    lc = getattr(node, "lc", None)
    if lc is None:
        return 1
    try:
        if key is not None and hasattr(node, "keys") and key in node:
            return lc.key(key)[0] + 1
        if key is not None and isinstance(key, int):
            return lc.item(key)[0] + 1
        return lc.line + 1
    except (KeyError, IndexError, TypeError, AttributeError):
        return 1


def plain(node: Any) -> Any:
    """Round-trip nodes -> plain dict/list/str/int/bool, recursively."""
    if hasattr(node, "items"):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool) or type(node).__name__ == "ScalarBoolean":
        return bool(node)
    if isinstance(node, int):
        return int(node)  # ruamel's ScalarInt (e.g. 0, 0x10) is not plain data for PyYAML
    if isinstance(node, float):
        return float(node)
    return node


#: plain words that some YAML reader (1.1: PyYAML, libyaml, Go yaml.v2; 1.2: ruamel) reads as a boolean or null
TYPED_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
#: a plain scalar starting with one of these may be a number, a date, a time, ``.inf``, ``~``, ``=`` or ``<<``
TYPED_FIRST_CHARS = frozenset("0123456789+-.~=<")


def _typed_by_some_reader(text: str) -> bool:
    """Whether a YAML 1.1 or 1.2 reader could resolve ``text``, written plain, to something other than
    a string (``0o17``, ``0x1F``, ``1_000``, ``1e3``, ``12:30``, ``2024-01-01``, ``.inf``, ``~``, ``no``, ...).
    Deliberately wider than any one resolver: a needless pair of quotes costs nothing."""
    return not text or text[0] in TYPED_FIRST_CHARS or text.lower() in TYPED_WORDS


@functools.cache
def _dumper() -> type:
    import yaml

    base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    class QuotingDumper(base):  # type: ignore[misc, valid-type]
        """PyYAML's safe dumper, quoting every string another reader could take for a typed value."""

    def represent_str(dumper: Any, data: str) -> Any:
        style = "'" if _typed_by_some_reader(data) else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style=style)

    QuotingDumper.add_multi_representer(str, represent_str)
    QuotingDumper.add_representer(str, represent_str)
    return QuotingDumper


def dump_yaml(data: Any) -> str:
    """Deterministic block-style YAML (insertion order kept, unicode kept) that every reader, YAML 1.1
    or 1.2, reads back as the same data: a string that a reader could resolve to a number, a date, a
    boolean or null is quoted (PyYAML alone quotes for YAML 1.1 only: ``0o17`` came back as 15)."""
    import yaml

    return yaml.dump(data, Dumper=_dumper(), sort_keys=False, allow_unicode=True, default_flow_style=False, width=4096)
