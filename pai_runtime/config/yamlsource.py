"""The one loader of every YAML and JSON input: read within bounds, parsed within bounds,
and remembering where each value came from.

Why lines: "an error names the source and the line" needs the line of a field *after*
parsing, so we compose the node graph once and keep a map from the path of every value
(``("initPlugins", 2, "timeout")``) to its 1-based line.

Why bounded: every input of init may come from someone else (an env var, a mounted file,
a plugin folder, a Framework annotation, a secret), and PyYAML alone expands an alias bomb
("billion laughs") for minutes at ~55 MB/s, overflows the C stack on 100,000 nested
brackets, and raises a bare ``ValueError`` for a 5,000-digit integer. So every YAML/JSON
input goes through here:

* a size cap before parsing (:data:`MAX_BYTES`);
* libyaml's *events* composed by our own loop (not its recursive composer) where the text
  could nest deeply, with a depth cap (:data:`MAX_DEPTH`) while composing and building;
* a cap on what aliases expand to while building values, in values and in characters
  (:data:`MAX_ALIAS_VALUES`, :data:`MAX_EXPANDED_CHARS`): a bomb is refused after at most
  that much work, whatever its nominal size;
* integers with more digits than any setting needs refused by name (:data:`MAX_INT_DIGITS`);
* files read with a size cap, refusing FIFOs, sockets and devices (``/dev/zero``,
  ``/dev/urandom``, a FIFO without a writer can never end or never start), opened
  non-blocking so the open itself cannot hang.

Every refusal is a :class:`~pai_runtime.errors.ConfigError` (exit 247) naming the
source and, where there is one, the line.

Stdlib only at import, without ``dataclasses`` or ``typing``: the job container's PID 1
(``run``) reads its JSON inputs (``settings.json``, ``redact.json``, the installed exit
spec) with :func:`read_file` and :func:`parse_json`; only :func:`parse` imports PyYAML.
"""

from __future__ import annotations

import os
import stat

from pai_runtime.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    PathKey = tuple[Any, ...]

#: the largest document we parse (the shipped exit spec is ~10 KB, a Kubernetes annotation
#: at most 256 KiB, a ConfigMap 1 MiB): far above any real config, far below what hurts init
MAX_BYTES = 4 * 1024 * 1024
#: nesting deeper than this is no config a person wrote (the schemas need fewer than 10)
MAX_DEPTH = 64
#: values that aliases may add beyond the document's own nodes (a billion-laughs bomb adds
#: 10^9); shared anchors in a real config (an env block reused per task role) add hundreds
MAX_ALIAS_VALUES = 100_000
#: characters of scalars a document may expand to, aliases included: one 4 MiB string
#: referenced 10^5 times is a bomb too, it only counts in bytes instead of values
MAX_EXPANDED_CHARS = 4 * MAX_BYTES
#: digits of an integer literal: the largest setting (a size in bytes) needs 20
MAX_INT_DIGITS = 64
#: libyaml's own (recursive, C) composer is used when the text cannot nest deeper than
#: this; it dies of SIGSEGV at ~100,000 levels, and is ~3x faster than our event loop
_C_COMPOSE_DEPTH = 2000


class Document:
    """A parsed document, its source name and the line of every value."""

    __slots__ = ("source", "data", "lines")

    def __init__(self, source: str, data: Any, lines: dict[PathKey, int] | None = None) -> None:
        self.source = source
        self.data = data
        self.lines: dict[PathKey, int] = {} if lines is None else lines

    def __repr__(self) -> str:
        return f"Document({self.source!r}, {self.data!r})"

    def where(self, path: PathKey = ()) -> str:
        """``SOURCE line N, field a.b[2]`` for error messages."""
        path = tuple(path)
        line = None
        probe = path
        while probe and line is None:
            line = self.lines.get(probe)
            probe = probe[:-1]
        if line is None:
            line = self.lines.get(())
        out = self.source
        if line is not None:
            out += f" line {line}"
        if path:
            out += f", field {format_path(path)}"
        return out


def format_path(path: PathKey) -> str:
    out = ""
    for p in path:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out


def _human(n: int) -> str:
    for unit, size in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} bytes"


def _size_check(size: int, source: str, max_bytes: int) -> None:
    if size > max_bytes:
        raise ConfigError(f"too large: {size} bytes, more than {_human(max_bytes)} (the limit of one config document)",
                          where=source, hint="give a smaller document; large data belongs in a file the job reads")


def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


# -- YAML: composing -------------------------------------------------------------------------
def _nesting_bound(text: str) -> int:
    """An upper bound of the nesting depth, without parsing: each flow level opens a
    bracket, each block level starts at least one column right of its parent (``- - -``
    nests on one line, two columns a level)."""
    longest = 0
    start = 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            longest = max(longest, len(text) - start)
            break
        longest = max(longest, end - start)
        start = end + 1
    return text.count("[") + text.count("{") + longest + 1


def _yaml():  # -> the yaml module
    """PyYAML, with the regexes its import compiles served from :mod:`pai_runtime.regexcache`
    (a third of init's cost beyond the bare interpreter was compiling them)."""
    from pai_runtime.regexcache import imported

    return imported("yaml")


def _compose(text: str, source: str, max_depth: int) -> Any:
    """The single document's node graph, built iteratively from the parser's events.

    Why not ``yaml.compose``: libyaml's composer recurses in C and crashes the process
    (SIGSEGV) at ~100,000 nested brackets, before any Python limit applies; libyaml's
    parser (events) keeps an explicit stack."""
    yaml = _yaml()
    from yaml import events as ev
    from yaml import nodes

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    resolver = yaml.resolver.Resolver()
    anchors: dict[str, Any] = {}
    open_nodes: list[Any] = []  # collections being composed, innermost last
    pending_key: list[Any] = []  # per open mapping: its key waiting for a value (or None)
    root: Any = None
    documents = 0
    try:
        while True:
            event = loader.get_event()
            if isinstance(event, ev.StreamEndEvent):
                break
            if isinstance(event, (ev.StreamStartEvent, ev.DocumentEndEvent)):
                continue
            if isinstance(event, ev.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise ConfigError("invalid YAML: more than one document (a second '---')",
                                      where=f"{source} line {event.start_mark.line + 1}",
                                      hint="give one document per source")
                continue
            if isinstance(event, (ev.SequenceEndEvent, ev.MappingEndEvent)):
                node = open_nodes.pop()
                pending_key.pop()
                node.end_mark = event.end_mark
                if not open_nodes:
                    root = node
                else:
                    _attach(open_nodes[-1], pending_key, node)
                continue
            if isinstance(event, ev.AliasEvent):
                target = anchors.get(event.anchor)
                if target is None:
                    raise ConfigError(f"invalid YAML: alias *{event.anchor} names no anchor defined before it",
                                      where=f"{source} line {event.start_mark.line + 1}",
                                      hint=f"define &{event.anchor} first, or quote the value")
                if any(target is n for n in open_nodes):
                    raise ConfigError(f"invalid YAML: alias *{event.anchor} refers to a value that contains it",
                                      where=f"{source} line {event.start_mark.line + 1}",
                                      hint="a value cannot contain itself")
                node = target
            elif isinstance(event, ev.ScalarEvent):
                tag = event.tag
                if tag is None or tag == "!":
                    tag = resolver.resolve(nodes.ScalarNode, event.value, event.implicit)
                node = nodes.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
            else:  # a collection starts
                if len(open_nodes) >= max_depth:
                    raise ConfigError(f"nested deeper than {max_depth} levels",
                                      where=f"{source} line {event.start_mark.line + 1}",
                                      hint="flatten the structure")
                is_seq = isinstance(event, ev.SequenceStartEvent)
                kind = nodes.SequenceNode if is_seq else nodes.MappingNode
                tag = event.tag
                if tag is None or tag == "!":
                    tag = resolver.resolve(kind, None, event.implicit)
                node = kind(tag, [], event.start_mark, None, flow_style=event.flow_style)
            anchor = getattr(event, "anchor", None)
            if anchor is not None and not isinstance(event, ev.AliasEvent):
                anchors[anchor] = node  # a later &x redefines it, as YAML says
            if isinstance(event, (ev.SequenceStartEvent, ev.MappingStartEvent)):
                open_nodes.append(node)
                pending_key.append(None)
            elif not open_nodes:
                root = node
            else:
                _attach(open_nodes[-1], pending_key, node)
    finally:
        loader.dispose()
    return root


def _attach(parent: Any, pending_key: list[Any], node: Any) -> None:
    from yaml import nodes

    if isinstance(parent, nodes.SequenceNode):
        parent.value.append(node)
    elif pending_key[-1] is None:
        pending_key[-1] = (node,)
    else:
        parent.value.append((pending_key[-1][0], node))
        pending_key[-1] = None


def _count(node: Any) -> int:
    """Distinct nodes of the graph (each anchored node once)."""
    from yaml import nodes

    seen: set[int] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if isinstance(n, nodes.MappingNode):
            for k, v in n.value:
                stack.extend((k, v))
        elif isinstance(n, nodes.SequenceNode):
            stack.extend(n.value)
    return len(seen)


# -- YAML: building values -----------------------------------------------------------------
class _Builder:
    """Turns the node graph into plain values, counting what aliases add."""

    def __init__(self, source: str, max_depth: int, max_alias_values: int, node_count: int) -> None:
        yaml = _yaml()

        self.source = source
        self.max_depth = max_depth
        self.max_alias_values = max_alias_values
        self.budget = node_count + max_alias_values
        self.built = 0
        self.chars = 0
        self.constructor = yaml.constructor.SafeConstructor()  # one per document: scalars only
        self.construct = self.constructor.construct_object
        self.yaml_errors = (yaml.YAMLError,)
        self.collection_node, self.mapping_node, self.scalar_node = (
            yaml.nodes.CollectionNode, yaml.nodes.MappingNode, yaml.nodes.ScalarNode)
        self.lines: dict[PathKey, int] = {}
        self.open: set[int] = set()  # collections on the current path (a cycle check)

    def _bomb(self, node: Any, what: str) -> ConfigError:
        return ConfigError(f"aliases expand to more than {what}",
                           where=f"{self.source} line {node.start_mark.line + 1}",
                           hint="an alias bomb? use fewer or smaller anchors")

    def walk(self, node: Any, path: PathKey) -> Any:
        self.built += 1
        if self.built > self.budget:
            raise self._bomb(node, f"{self.max_alias_values} extra values")
        if len(path) > self.max_depth:
            raise ConfigError(f"nested deeper than {self.max_depth} levels (through aliases)",
                              where=f"{self.source} line {node.start_mark.line + 1}", hint="flatten the structure")
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, self.collection_node):
            if id(node) in self.open:
                raise ConfigError("invalid YAML: an alias refers to a value that contains it",
                                  where=f"{self.source} line {node.start_mark.line + 1}",
                                  hint="a value cannot contain itself")
            self.open.add(id(node))
            try:
                return self.collection(node, path)
            finally:
                self.open.discard(id(node))
        return self.scalar(node)

    def collection(self, node: Any, path: PathKey) -> Any:
        if isinstance(node, self.mapping_node):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                where = f"{self.source} line {key_node.start_mark.line + 1}"
                if not isinstance(key_node, self.scalar_node):
                    raise ConfigError("a mapping key must be a plain value", where=where, hint="quote the key")
                if key_node.tag == "tag:yaml.org,2002:merge":  # PyYAML's raw "could not determine a constructor"
                    raise ConfigError("YAML merge keys (<<:) are not supported", where=where,
                                      hint="write the merged keys out in full (an anchor and *alias may still "
                                           "stand for a whole value), or quote '<<' for a plain key")
                key = self.scalar(key_node)
                try:
                    hash(key)
                except TypeError:
                    raise ConfigError("a mapping key must be a plain value", where=where,
                                      hint="quote the key") from None
                if key in out:
                    raise ConfigError(f"duplicate key {key!r}", where=where, hint="each key may appear once")
                out[key] = self.walk(value_node, path + (key,))
            return out
        return [self.walk(v, path + (i,)) for i, v in enumerate(node.value)]

    def scalar(self, node: Any) -> Any:
        self.chars += len(node.value)
        if self.chars > MAX_EXPANDED_CHARS:
            raise self._bomb(node, f"{_human(MAX_EXPANDED_CHARS)} of text")
        if node.tag == "tag:yaml.org,2002:int" and len(node.value) > MAX_INT_DIGITS:
            digits = sum(c.isdigit() for c in node.value)
            if digits > MAX_INT_DIGITS:
                raise ConfigError(f"a number with {digits} digits is too long (at most {MAX_INT_DIGITS})",
                                  where=f"{self.source} line {node.start_mark.line + 1}",
                                  hint="give a realistic value, or quote it to make it text")
        try:
            return self.construct(node, deep=True)
        except self.yaml_errors as exc:
            raise ConfigError(f"invalid YAML value: {' '.join(str(exc).split())}",
                              where=f"{self.source} line {node.start_mark.line + 1}") from None
        except (ValueError, OverflowError) as exc:
            raise ConfigError(f"invalid YAML value: {exc}", where=f"{self.source} line {node.start_mark.line + 1}") \
                from None


def parse(text: str | bytes, source: str, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH,
          max_alias_values: int = MAX_ALIAS_VALUES) -> Document:
    """Parse one YAML document within bounds; any syntax, encoding or bound error is a
    ConfigError (247) naming ``source`` and the line."""
    yaml = _yaml()

    if isinstance(text, str):
        try:
            _size_check(len(text.encode("utf-8")), source, max_bytes)
        except UnicodeEncodeError as exc:  # an env var with bytes that are not UTF-8 (surrogateescape)
            bad = exc.start
            _size_check(len(text.encode("utf-8", "surrogateescape")), source, max_bytes)
            if "\udc80" <= text[bad] <= "\udcff":
                raise ConfigError(f"not valid UTF-8 (byte 0x{ord(text[bad]) - 0xdc00:02x} at offset {bad})",
                                  where=f"{source} line {text[:bad].count(chr(10)) + 1}",
                                  hint="give the text as UTF-8") from None
            raise ConfigError(f"not valid UTF-8 (a lone surrogate U+{ord(text[bad]):04X} at offset {bad})",
                              where=f"{source} line {text[:bad].count(chr(10)) + 1}",
                              hint="give the text as UTF-8") from None
    else:
        _size_check(len(text), source, max_bytes)
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = text[: exc.start].count(b"\n") + 1
            raise ConfigError(f"not valid UTF-8 (byte 0x{text[exc.start]:02x} at offset {exc.start})",
                              where=f"{source} line {line}",
                              hint="save the file as UTF-8") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        if _nesting_bound(text) <= _C_COMPOSE_DEPTH:
            # libyaml's parser and composer when PyYAML has them (the shipped exit spec
            # parses ~10x faster); nodes, marks and errors are the same either way
            node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        else:
            node = _compose(text, source, max_depth)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source} line {mark.line + 1} column {mark.column + 1}" if mark else source
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem and exc.context_mark is not None:
            problem = f"{exc.problem}, {exc.context} started at line {exc.context_mark.line + 1}"
        raise ConfigError(f"invalid YAML: {problem}", where=where,
                          hint="fix the YAML syntax (indentation, quotes, colons)") from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        point = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise ConfigError(f"invalid YAML: character U+{point:04X} is not allowed",
                          where=f"{source} line {line}",
                          hint="remove the control character, or quote and escape it") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {' '.join(str(exc).split())}", where=source) from None
    if node is None:
        return Document(source, None, {})
    builder = _Builder(source, max_depth, max_alias_values, _count(node))
    data = builder.walk(node, ())
    return Document(source, data, builder.lines)


# -- JSON ------------------------------------------------------------------------------------
def parse_json(text: str | bytes, source: str, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH,
               **hooks: Any) -> Any:
    """Parse JSON within the same bounds (size, depth, digits), with the standard library
    only; errors are ConfigErrors naming ``source`` and the line. ``hooks`` go to
    :func:`json.loads` (``object_pairs_hook``). Parsed by :mod:`pai_runtime.fastjson`
    (json's own C scanner, without importing :mod:`json` and :mod:`re` on the job
    container's PID-1 path); errors are json's, in its words."""
    from pai_runtime import fastjson

    raw = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
    _size_check(len(raw), source, max_bytes)

    def parse_int(s: str) -> int:
        digits = len(s) - s.startswith("-")
        if digits > MAX_INT_DIGITS:
            raise ConfigError(f"a number with {digits} digits is too long (at most {MAX_INT_DIGITS})",
                              where=f"{source} line {_line_of(raw, max(0, raw.find(s.encode())))}",
                              hint="give a realistic value, or quote it to make it text")
        return int(s)

    try:
        data = fastjson.loads(raw, parse_int=parse_int, **hooks)
    except RecursionError:
        raise ConfigError(f"nested deeper than {max_depth} levels", where=source,
                          hint="flatten the structure") from None
    except ValueError as exc:
        import json  # the document is refused: json.loads said why (fastjson fell back to it)

        if isinstance(exc, json.JSONDecodeError):
            raise ConfigError(f"invalid JSON: {exc.msg}", where=f"{source} line {exc.lineno} column {exc.colno}",
                              hint="fix the JSON syntax") from None
        if isinstance(exc, UnicodeDecodeError):
            raise ConfigError(f"not valid UTF-8 (at offset {exc.start})",
                              where=f"{source} line {_line_of(raw, exc.start)}",
                              hint="save the file as UTF-8") from None
        raise ConfigError(f"invalid JSON: {exc}", where=source) from None
    except TypeError as exc:
        raise ConfigError(f"invalid JSON: {exc}", where=source) from None
    if _depth(data) > max_depth:
        raise ConfigError(f"nested deeper than {max_depth} levels", where=source, hint="flatten the structure")
    return data


def _depth(data: Any) -> int:
    deepest = 0
    stack = [(data, 0)]
    while stack:
        value, d = stack.pop()
        if d > deepest:
            deepest = d
        if isinstance(value, dict):
            stack.extend((v, d + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, d + 1) for v in value)
    return deepest


# -- files -------------------------------------------------------------------------------------
def read_file(path: str | os.PathLike[str], what: str, *, max_bytes: int = MAX_BYTES) -> bytes:
    """Read an input file, at most ``max_bytes``; an unreadable file, a directory, a FIFO,
    a socket or a device is a ConfigError (a FIFO or ``/dev/zero`` could block or never
    end). Opened with ``O_NONBLOCK`` so not even the open can wait for a writer."""
    where = os.fspath(path)
    flags = os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except PermissionError:
        raise ConfigError(f"cannot read {what}: permission denied", where=where,
                          hint="make it readable by the container user") from None
    except IsADirectoryError:
        raise ConfigError(f"{what} is a directory, expected a file", where=where) from None
    except FileNotFoundError as exc:
        if os.path.islink(path):
            raise ConfigError(f"{what} is a dangling symlink (to {os.readlink(path)!r})", where=where,
                              hint="fix the volume that provides it, or remove the link") from None
        raise ConfigError(f"cannot read {what}: {exc.strerror or exc}", where=where) from None
    except OSError as exc:
        raise ConfigError(f"cannot read {what}: {exc.strerror or exc}", where=where) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise ConfigError(f"{what} is a directory, expected a file", where=where)
        if not stat.S_ISREG(st.st_mode):
            kind = ("a FIFO" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode)
                    else "a device")
            raise ConfigError(f"{what} is {kind}, expected a regular file", where=where,
                              hint="give the path of a regular file")
        if st.st_size > max_bytes:
            raise ConfigError(f"{what} is too large: {st.st_size} bytes, more than {_human(max_bytes)}",
                              where=where, hint="give a smaller file")
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        total = 0
        while True:  # st_size can lie (/proc, a file still growing): the cap is on what we read
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise ConfigError(f"{what} is too large: more than {_human(max_bytes)}", where=where,
                                  hint="give a smaller file")
        return b"".join(chunks)
    except OSError as exc:
        raise ConfigError(f"cannot read {what}: {exc.strerror or exc}", where=where) from None
    finally:
        os.close(fd)


def read_text(path: str | os.PathLike[str], what: str, *, max_bytes: int = MAX_BYTES) -> str:
    """:func:`read_file` decoded as UTF-8 (an encoding error is a ConfigError)."""
    raw = read_file(path, what, max_bytes=max_bytes)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{what} is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                          where=f"{os.fspath(path)} line {_line_of(raw, exc.start)}",
                          hint="save the file as UTF-8") from None


def optional_file(path: str | os.PathLike[str], what: str, *, max_bytes: int = MAX_BYTES) -> bytes | None:
    """Contents of ``path``, ``None`` when it does not exist; an existing but
    unreadable file, or a config directory we cannot search, is a ConfigError, never
    silently taken for "no file"."""
    path = os.fspath(path)
    parent = os.path.dirname(path) or "."
    if os.path.isdir(parent) and not os.access(parent, os.R_OK | os.X_OK):
        raise ConfigError("cannot read the config directory: permission denied", where=parent,
                          hint="make it readable (r-x) by the container user")
    try:
        os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):  # a broken ConfigMap mount is not "no file" (issue 18)
            raise ConfigError(f"{what} is a dangling symlink (to {os.readlink(path)!r})", where=str(path),
                              hint="fix the volume that provides it (a ConfigMap or Secret whose key is "
                                   "missing?), or remove the link") from None
        return None
    except NotADirectoryError:  # e.g. PAI_CONFIG_DIR names a file: not "no config"
        raise ConfigError(f"cannot read {what}: a part of its path is a file, not a directory",
                          where=str(path), hint="check PAI_CONFIG_DIR: it must name a directory") from None
    except OSError:
        pass  # read_file names the problem
    return read_file(path, what, max_bytes=max_bytes)


def load_json_file(path: str | os.PathLike[str], what: str, *, max_bytes: int = MAX_BYTES,
                   **hooks: Any) -> Any:
    """:func:`read_file` then :func:`parse_json`: a JSON input file, read and parsed within bounds."""
    return parse_json(read_file(path, what, max_bytes=max_bytes), os.fspath(path), max_bytes=max_bytes, **hooks)


def gunzip(data: bytes, source: str, *, max_bytes: int = MAX_BYTES) -> bytes:
    """gzip'd bytes (a Framework's ``taskRoleStatusesCompressed``) inflated to at most
    ``max_bytes``: a few KB of gzip can inflate to gigabytes."""
    import zlib

    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflate.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise ConfigError(f"not gzip data: {exc}", where=source) from None
    if len(out) > max_bytes or inflate.unconsumed_tail:
        raise ConfigError(f"inflates to more than {_human(max_bytes)}", where=source,
                          hint="a gzip bomb? give the data uncompressed")
    if not inflate.eof:
        raise ConfigError("truncated gzip data", where=source)
    return out
