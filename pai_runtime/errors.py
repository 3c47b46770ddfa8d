"""Exceptions that carry the exit code the platform will read.

Why: the container's exit code *is* the diagnosis (FrameworkController reads only the
code), so every failure must be raised as one of these types at the place that knows
what went wrong, and the CLI turns it into exactly one line and that code. The codes
are the contract of ``shared/DESIGN.md``; ``docs/exit-codes.md`` lists them.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

# Init container codes (DESIGN.md "Exit codes").
OK = 0
ADDON_FAILED = 33
CONFIG_INVALID = 247
UNKNOWN_INIT_ERROR = 248
SSH_BARRIER_TIMEOUT = 249
BARRIER_TRANSIENT = 250
GANG_TIMEOUT = 251
BARRIER_PERMANENT = 252
PORT_CONFLICT = 253
IMAGE_CHECK_FAILED = 254

#: Codes an external init plugin may exit with and have passed through unchanged;
#: any other non-zero code becomes 248 (unknown init error).
PLUGIN_PASSTHROUGH_CODES = frozenset(
    {ADDON_FAILED, CONFIG_INVALID, BARRIER_TRANSIENT, GANG_TIMEOUT, BARRIER_PERMANENT,
     PORT_CONFLICT, IMAGE_CHECK_FAILED}
)


#: Phrases of the init container's codes in its termination message (OpenPAI's job
#: exit spec names 249-254; 33, 247 and 248 are ours).
INIT_PHRASES = {
    ADDON_FAILED: "RuntimeAddonSetupFailed",
    CONFIG_INVALID: "PAIRuntimeInvalidConfig",
    UNKNOWN_INIT_ERROR: "PAIRuntimeInitUnknownError",
    BARRIER_TRANSIENT: "FrameworkBarrierTransientFailed",
    GANG_TIMEOUT: "JobGangAllocationTimeout",
    BARRIER_PERMANENT: "FrameworkBarrierPermanentFailed",
    PORT_CONFLICT: "ContainerPortConflict",
    IMAGE_CHECK_FAILED: "ContainerImageNotExists",
}


def signal_exit_code(signum: int) -> int:
    """Shell convention for a death by signal: 128 + N."""
    return 128 + int(signum)


class PaiError(Exception):
    """A failure with a user-facing one-line message and an exit code.

    ``where`` names the source (env var, file and line) and ``hint`` says how to fix
    it; :meth:`line` joins them into the single line the user sees.
    """

    code: int = UNKNOWN_INIT_ERROR

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None,
                 code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint
        if code is not None:
            self.code = code

    def line(self) -> str:
        parts = []
        if self.where:
            parts.append(f"{self.where}: ")
        parts.append(self.message)
        if self.hint:
            parts.append(f" ({self.hint})")
        return "".join(parts)

    def __str__(self) -> str:
        return self.line()


class ConfigError(PaiError):
    """Invalid configuration: INIT_CONFIG, RUNTIME_CONFIG, secrets, exit spec (247)."""

    code = CONFIG_INVALID


class InternalError(PaiError):
    """Our own bug or an unclassified plugin failure (248)."""

    code = UNKNOWN_INIT_ERROR


class AddonError(PaiError):
    """Runtime addon setup failed (33)."""

    code = ADDON_FAILED


class BarrierTransientError(PaiError):
    code = BARRIER_TRANSIENT


class GangTimeoutError(PaiError):
    code = GANG_TIMEOUT


class BarrierPermanentError(PaiError):
    code = BARRIER_PERMANENT


class PortConflictError(PaiError):
    code = PORT_CONFLICT


class ImageCheckError(PaiError):
    code = IMAGE_CHECK_FAILED


class Skip(Exception):
    """Raised by a built-in init plugin that does not apply here (e.g. no cluster).

    The message is the one log line that says why it was skipped.
    """


class Terminated(Exception):
    """Init received a terminating signal; the CLI exits 128 + signum."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"received signal {signum}")
        self.signum = signum


def fail(exc: PaiError) -> NoReturn:
    """Print the error's one line (secrets scrubbed) and exit with its code: no traceback."""
    import sys

    from pai_runtime import redact

    sys.stderr.write(f"pai-runtime: error: {redact.scrub(exc.line())}\n")
    sys.exit(exc.code)
