"""Read YAML safely into plain data, within limits, with errors that point at the line.

A scenario is plain data: text, numbers, true/false, lists and mappings. This module
reads a file into that and nothing else:

- PyYAML's safe loader only, and any explicit tag (``!!python/object``, ``!custom``,
  ``!!binary``, ``!!set``) is refused before anything is built, so nothing in a file is
  ever executed, imported or turned into an object;
- limits checked while the file is parsed, before the document is built, so that no
  input can hang the loader or exhaust memory: the file's size, the number of values
  written, the nesting depth, and the number of values after aliases are expanded (the
  "billion laughs");
- keys written twice in one mapping are an error (YAML would silently keep the last);
- ``1e6`` is a number, as in YAML 1.2 (YAML 1.1, PyYAML's, reads it as text and wants
  ``1.0e6``); the schema's types are strict, so text is never taken for a number;
- YAML syntax errors carry the line and column and a hint in plain words.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import yaml

from sim.errors import InputError, Problem

MAX_FILE_BYTES = 1_000_000  # the largest shipped scenario is ~10 kB; 64 partners fit easily
MAX_VALUES = 50_000  # values written in the file; 64 fully specified partners use ~15,000
MAX_EXPANDED = 200_000  # values once aliases are expanded
MAX_DEPTH = 40  # a scenario nests about 6 levels deep

_CORE = "tag:yaml.org,2002:"
#: Tags the safe loader gives plain values; any other tag is refused.
PLAIN_TAGS = frozenset(
    _CORE + t for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp", "value")
)
_EXAMPLE = "start from scenarios/equal_stakes.yaml"


def read_text(path: str | Path) -> tuple[bytes, str]:
    """Read a scenario file's bytes and its UTF-8 text.

    Args:
        path: the file.

    Returns:
        ``(raw bytes, text)``.

    Raises:
        InputError: missing, a folder or device, unreadable, too large, or not UTF-8.
    """
    p, name = Path(path), str(path)
    if not p.exists():
        raise InputError(Problem("no such file" + _nearby(p), file=name))
    if p.is_dir():
        raise InputError(Problem("is a folder; give a scenario .yaml file inside it", file=name))
    if not p.is_file():
        raise InputError(
            Problem("is not a regular file (a device or pipe); give a .yaml file", file=name)
        )
    try:
        with p.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)  # never read more than the limit, whatever it is
    except OSError as exc:
        raise InputError(
            Problem(f"cannot read it: {exc.strerror}; check its permissions", file=name)
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(
            Problem(
                f"is larger than {MAX_FILE_BYTES:,} bytes; a scenario is a short text file "
                f"(at most 64 partners): is this the right file?",
                file=name,
            )
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            Problem(
                f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8 "
                "(in most editors: Save As, encoding UTF-8)",
                file=name,
                line=line,
                column=column,
            )
        ) from None
    return raw, text


def _nearby(p: Path) -> str:
    """A hint naming a similar file next to a missing one."""
    folder = p.parent
    if not folder.is_dir():
        return f" (the folder {folder} does not exist either); check the path"
    try:
        names = [q.name for q in folder.iterdir() if q.suffix in (".yaml", ".yml")]
    except OSError:
        return "; check the path"
    close = difflib.get_close_matches(p.name, names, n=1, cutoff=0.5)
    return f"; did you mean {folder / close[0]}?" if close else "; check the path"


def parse(text: str, file: str = "") -> tuple[yaml.Node, object]:
    """Parse YAML text into plain data, refusing anything but plain values.

    Args:
        text: the document.
        file: file name for messages.

    Returns:
        ``(node tree with line marks, plain data)``.

    Raises:
        InputError: empty, not YAML, tagged, too big or too deep, or with duplicate keys.
    """
    if not text.strip():
        raise InputError(Problem(f"the file is empty; {_EXAMPLE}", file=file))
    loader = None
    try:
        loader = _Loader(text, file)  # checks for control characters first
        node = loader.get_single_node()
        if node is None:
            raise InputError(
                Problem(f"the file holds only comments or blank lines; {_EXAMPLE}", file=file)
            )
        _check_tree(node, file)
        return node, loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise InputError(_syntax_problem(exc, file)) from None
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        raise InputError(
            Problem(
                f"holds the control character U+{_code(exc.character):04X}, which YAML does not "
                "allow; "
                "remove it (was the file saved as plain text?)",
                file=file,
                line=before.count("\n") + 1,
                column=exc.position - (before.rfind("\n") + 1) + 1,
            )
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error above is marked
        raise InputError(Problem(f"not valid YAML: {exc}", file=file)) from None
    finally:
        if loader is not None:
            loader.dispose()


class _Loader(yaml.SafeLoader):
    """The safe loader, counting values and depth as the parser hands them over."""

    def __init__(self, text: str, file: str):
        super().__init__(text)
        self._file = file
        self._depth = 0
        self._values = 0

    def get_event(self) -> yaml.Event:
        event = super().get_event()
        if isinstance(event, yaml.NodeEvent):
            self._values += 1
            if self._values > MAX_VALUES:
                raise InputError(
                    _at(
                        f"the file holds more than {MAX_VALUES:,} values; a scenario is far "
                        "smaller (at most 64 partners): is this the right file?",
                        self._file,
                        event.start_mark,
                    )
                )
        if isinstance(event, yaml.CollectionStartEvent):
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise InputError(_too_deep(self._file, event.start_mark))
        elif isinstance(event, yaml.CollectionEndEvent):
            self._depth -= 1
        return event

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        try:
            return super().construct_yaml_int(node)
        except ValueError:  # Python refuses int("9" * 5000)
            raise yaml.constructor.ConstructorError(
                None, None, "a whole number with far too many digits", node.start_mark
            ) from None


# A lone "=" resolves to YAML's "value" tag, which the safe loader cannot build: read it as text.
_Loader.add_constructor(_CORE + "value", yaml.SafeLoader.construct_yaml_str)
_Loader.add_constructor(_CORE + "int", _Loader.construct_yaml_int)
# YAML 1.2's floats with an exponent and no point (1e6, -2E-3), which YAML 1.1 reads as text.
_Loader.add_implicit_resolver(
    _CORE + "float", re.compile(r"^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$"), list("-+0123456789")
)


def scalar(text: str) -> object:
    """One value written as YAML (``3``, ``0.5``, ``1e6``, ``true``, ``casting_vote``).

    Read with the scenario loader's rules, so a value on the command line (``--set``)
    means what it would in a file.

    Raises:
        yaml.YAMLError: not a plain YAML value.
    """
    loader = _Loader(text, "")
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_tree(node, "")
        return loader.construct_document(node)
    except InputError as exc:
        raise yaml.YAMLError(str(exc)) from None
    finally:
        loader.dispose()


def _check_tree(root: yaml.Node, file: str) -> None:
    """Refuse tags, duplicate keys, alias loops, and documents that expand too far."""
    sizes: dict[int, int] = {}
    open_: set[int] = set()
    problems: list[Problem] = []

    def walk(node: yaml.Node, depth: int) -> int:
        if id(node) in sizes:
            return sizes[id(node)]
        if id(node) in open_:
            raise InputError(
                _at("an alias refers to a collection that contains it (a loop)", file, node)
            )
        if depth > MAX_DEPTH:
            raise InputError(_too_deep(file, node.start_mark))
        if node.tag not in PLAIN_TAGS and node.tag != _CORE + "merge":
            problems.append(_at(_tag_message(node.tag), file, node))
        open_.add(id(node))
        total = 1
        if isinstance(node, yaml.MappingNode):
            seen: dict[object, yaml.Node] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.tag != _CORE + "merge":
                    if key.value in seen:
                        first = seen[key.value].start_mark.line + 1
                        problems.append(
                            _at(
                                f"the key '{key.value}' is written twice in this mapping "
                                f"(first on line {first}); YAML would keep only the last: "
                                "remove one",
                                file,
                                key,
                            )
                        )
                    seen.setdefault(key.value, key)
                total += walk(key, depth + 1) + walk(value, depth + 1)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(walk(v, depth + 1) for v in node.value)
        open_.discard(id(node))
        sizes[id(node)] = total
        if total > MAX_EXPANDED:
            raise InputError(
                _at(
                    f"aliases (*name) expand the document to more than {MAX_EXPANDED:,} values "
                    "(the 'billion laughs'); write the scenario out plainly",
                    file,
                    node,
                )
            )
        return total

    walk(root, 0)
    if problems:
        raise InputError(problems)


def _tag_message(tag: str) -> str:
    shown = "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag
    return (
        f"the tag '{shown}' is not allowed: a scenario holds only plain values (text, "
        "numbers, true/false, lists and key: value mappings), and nothing in it is ever run "
        "or built into an object; remove the tag"
    )


def _too_deep(file: str, mark: yaml.Mark) -> Problem:
    return _at(
        f"nested more than {MAX_DEPTH} levels deep; a scenario nests about 6 levels "
        "(check for unclosed brackets)",
        file,
        mark,
    )


def _at(message: str, file: str, where: yaml.Node | yaml.Mark | None) -> Problem:
    mark = where.start_mark if isinstance(where, yaml.Node) else where
    if mark is None:
        return Problem(message, file=file)
    return Problem(message, file=file, line=mark.line + 1, column=mark.column + 1)


#: Plain-word hints for PyYAML's syntax errors, by a fragment of its message.
_HINTS = (
    ("'\\t'", "YAML does not allow tabs for indentation: indent with spaces"),
    (
        "mapping values are not allowed",
        "a ':' where YAML expected none: check this line's indentation, or put a value "
        "that contains ': ' in quotes",
    ),
    ("could not find expected ':'", "a key without its ':' (write 'key: value')"),
    (
        "expected <block end>",
        "check the indentation: entries of one list or mapping start in the same column",
    ),
    ("did not find expected key", "check the indentation of this line and the one above"),
    ("did not find expected '-'", "check the indentation of this list"),
    ("flow sequence", "a '[' is not closed with ']'"),
    ("flow mapping", "a '{' is not closed with '}'"),
    ("quoted scalar", "a quote is not closed"),
    ("undefined alias", "an alias (*name) must refer to an anchor (&name) defined above it"),
    ("duplicate anchor", "give each anchor (&name) its own name"),
    ("single document", "a scenario file holds one YAML document: remove the '---' line"),
    ("unhashable key", "a key must be a plain name, not a list or a mapping"),
    ("too many digits", "write a smaller number"),
)


def _syntax_problem(exc: yaml.MarkedYAMLError, file: str) -> Problem:
    problem = str(exc.problem or "")
    context = str(exc.context or "")
    while_ = context.startswith("while")  # "<problem> while parsing a flow sequence"
    parts = (problem, context) if while_ else (context, problem)
    what = ", ".join(x for x in parts if x).replace(", while", " while") or "a syntax error"
    hint = next((h for key, h in _HINTS if key in what), "check the syntax near here")
    mark = exc.problem_mark or exc.context_mark
    started = exc.context_mark
    if while_ and started is not None and mark is not None and started.line != mark.line:
        hint += f" (it started at line {started.line + 1}, column {started.column + 1})"
    return _at(f"not valid YAML: {what}; {hint}", file, mark)


def _code(character: int | str) -> int:
    """PyYAML reports the offending character as a code point or as the character."""
    return character if isinstance(character, int) else ord(character)
