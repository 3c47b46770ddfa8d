"""Compiled regular expressions of a module's import, kept from one start to the next.

Why: ``import yaml`` compiles ten regular expressions at import time (its reader's
NON_PRINTABLE class alone costs 3.5-6 ms here), about a third of what ``pai-runtime init``
costs beyond the bare interpreter, and every init container pays it again. Python keeps the
byte code of modules from one start to the next (__pycache__), never the regex engine's
programs. This keeps those programs (the code list ``re``'s compiler hands to ``_sre``) in
``__pycache__/regex-<module>.<cache tag>.bin`` beside our byte code, written as byte code is:
by ``make install`` and the bundle build, or by the first import when the folder is
writable and byte code may be written; a read-only image just compiles.

The programs are put into ``re``'s own cache before the module is imported, so its
``re.compile`` of the same pattern and flags returns them without compiling. A program is
only kept when the pattern object made from it compares equal to the one ``re`` compiled
(same flags, pattern and code); a file written by another interpreter or regex engine (key:
Python's hexversion, cache tag, ``_sre.MAGIC``, ``CODESIZE``, ``MAXREPEAT``) is ignored, and
any surprise in ``re``'s private parts (they differ between Python versions; 3.10 has no
``re._compiler``) means a plain import. Stdlib only and nothing imported at module level:
init imports this first.
"""

import sys

#: file format version, part of the key
_FORMAT = 1


def _key() -> tuple:
    import _sre

    return (_FORMAT, sys.hexversion, sys.implementation.cache_tag, int(_sre.MAGIC), int(_sre.CODESIZE),
            int(_sre.MAXREPEAT))


def path(module: str) -> str:
    """Where the programs of ``module``'s import are kept."""
    import os

    return os.path.join(os.path.dirname(__file__), "__pycache__",
                        f"regex-{module}.{sys.implementation.cache_tag}.bin")


def imported(module: str):  # -> ModuleType
    """``module`` imported, its import-time regexes loaded from the cache when there is one
    that fits this interpreter; writes the cache when there is none and byte code may be
    written."""
    found = sys.modules.get(module)
    if found is not None:
        return found
    if _prime(module) or sys.dont_write_bytecode:
        return __import__(module, fromlist=["_"])
    mod, seen = _import_watching(module)
    if seen:
        try:
            save(module, seen)
        except Exception:  # a read-only folder, another re: the import is what counts
            pass
    return mod


def _prime(module: str) -> bool:
    """Put the kept programs into ``re``'s cache; False when there are none that fit."""
    import marshal

    try:
        with open(path(module), "rb") as f:
            key, entries = marshal.load(f)
        if key != _key():
            return False
        import _sre
        import re

        cache = re._cache  # type: ignore[attr-defined]
        for pattern, flags, final_flags, code, groups, groupindex, indexgroup in entries:
            cache[(str, pattern, flags)] = _sre.compile(pattern, final_flags, code, groups, groupindex, indexgroup)
    except Exception:  # no file, another format, another engine: compile as usual
        return False
    return True


def _import_watching(module: str) -> tuple:  # -> (ModuleType, [(pattern, flags)])
    """Import ``module``, noting each (pattern, flags) its import compiles (none noted
    where ``re`` has no ``_compile`` to watch)."""
    import re

    compile_ = getattr(re, "_compile", None)
    if compile_ is None:
        return __import__(module, fromlist=["_"]), []
    seen: list[tuple[str, int]] = []

    def watching(pattern, flags):  # noqa: ANN001, ANN202 - re's own private signature
        if isinstance(pattern, str):
            seen.append((pattern, int(flags)))
        return compile_(pattern, flags)

    re._compile = watching  # type: ignore[attr-defined]
    try:
        mod = __import__(module, fromlist=["_"])
    finally:
        re._compile = compile_  # type: ignore[attr-defined]
    return mod, seen


def _program(pattern: str, flags: int) -> tuple | None:
    """The program ``re`` compiles for ``pattern``, or None when it cannot be kept."""
    import _sre
    import re
    from re import _compiler, _parser  # type: ignore[attr-defined]

    if flags & re.DEBUG:
        return None
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    # plain ints: the opcodes are int subclasses, which marshal does not write
    entry = (pattern, int(flags), int(flags | parsed.state.flags), [int(c) for c in code],
             int(parsed.state.groups - 1), groupindex, tuple(indexgroup))
    rebuilt = _sre.compile(*entry[:1], *entry[2:])
    return entry if rebuilt == re.compile(pattern, flags) else None


def save(module: str, patterns: list[tuple[str, int]]) -> int:
    """Write the programs of ``patterns`` for ``module``; returns how many were kept."""
    import marshal
    import os

    entries = []
    for pattern, flags in dict.fromkeys(patterns):
        entry = _program(pattern, flags)
        if entry is not None:
            entries.append(entry)
    target = path(module)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    tmp = f"{target}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as f:
            marshal.dump((_key(), entries), f)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return len(entries)


#: the modules whose import-time regexes init keeps (``python -m pai_runtime.regexcache``)
KEPT = ("yaml",)


def main() -> int:
    """Write the cache of each module in :data:`KEPT` (``make install``, the bundle build),
    in a fresh interpreter so that the imports happen here; whatever byte code settings say."""
    for module in KEPT:
        if module in sys.modules:
            print(f"regexcache: {module} is already imported; run in a fresh interpreter", file=sys.stderr)
            return 1
        try:
            kept = save(module, _import_watching(module)[1])
        except Exception as exc:
            print(f"regexcache: could not write {path(module)}: {exc}", file=sys.stderr)
            return 1
        if not kept:
            print(f"regexcache: none of {module}'s regexes could be kept in {path(module)}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
