"""Task-role names as the job config spells them vs. as the platform converts them.

Why: OpenPAI's platform lower-cases role names and strips everything but letters and
digits (``taskrole_1`` -> ``taskrole1``) when it builds the Framework, while users and
plugins keep the job config's spelling; a plain dict lookup across the two crashed init
with ``KeyError: 'taskrole1'``. Every role lookup goes through :class:`RoleMap`.
"""

from __future__ import annotations

from pai_runtime.errors import ConfigError

TYPE_CHECKING = False  # typing costs init milliseconds; annotations are strings
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import TypeVar

    V = TypeVar("V")


def platform_name(name: str) -> str:
    """The platform's conversion: lower case, only ``[a-z0-9]`` kept."""
    return "".join(c for c in name.lower() if c.isascii() and c.isalnum())


class RoleMap:
    """Both spellings of every role; lookups accept either."""

    def __init__(self, names: Iterable[str], *, source: str = "job config") -> None:
        self.names: list[str] = []
        self._by_platform: dict[str, str] = {}
        for name in names:
            key = platform_name(name)
            other = self._by_platform.get(key)
            if other is not None and other != name:
                raise ConfigError(
                    f"task roles {other!r} and {name!r} both become {key!r} on the platform",
                    where=source, hint="rename one of them so they differ in letters or digits")
            if other is None:
                self._by_platform[key] = name
                self.names.append(name)

    def resolve(self, name: str) -> str | None:
        """The job config's spelling of ``name`` (given in either spelling), or None."""
        if name in self.names:
            return name
        return self._by_platform.get(platform_name(name))

    def require(self, name: str, *, where: str = "") -> str:
        found = self.resolve(name)
        if found is None:
            raise ConfigError(f"task role {name!r} not found", where=where or None,
                              hint=f"available roles: {', '.join(self.names) or 'none'}")
        return found

    def get(self, mapping: Mapping[str, V], name: str) -> V | None:
        """``mapping[name]`` where the mapping's keys may use either spelling."""
        if name in mapping:
            return mapping[name]
        want = platform_name(name)
        for key, value in mapping.items():
            if platform_name(key) == want:
                return value
        return None
