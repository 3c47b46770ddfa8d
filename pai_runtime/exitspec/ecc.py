"""The GPU fact of the exit spec: did a GPU report an uncorrectable (double-bit) ECC error?

Why three values: on a CPU node, or when the driver is broken, we do not know. OpenPAI
answered "false" there, so ``{nvidiaDoubleEccError: false}`` matched every CPU job. Here
the fact is ``True``, ``False`` or ``None`` (unknown), and a pattern that needs it does not
match when it is unknown.

Why also ``sram_*``/``dram_*``: newer drivers and GPUs (pai#2534) report
``sram_uncorrectable``/``dram_uncorrectable`` (and parity/SEC-DED splits) instead of
``double_bit/total``; both layouts count. Only *volatile* counters count: aggregate ones
survive reboots and would blame today's job for last month's error.
"""

from __future__ import annotations

import os

from pai_runtime.exitspec.record import Frozen

TIMEOUT = 1.0
#: seconds between SIGTERM and SIGKILL to a hung nvidia-smi's group (it may hold the driver: let it let go)
STOP_GRACE = 0.5


class EccFact(Frozen):
    """The fact (``None`` = unknown), why, and how many GPUs nvidia-smi listed."""

    __slots__ = ("value", "reason", "gpus")
    DEFAULTS = {"gpus": 0}
    value: bool | None
    reason: str
    gpus: int


def _count(text: str | None) -> int | None:
    """A counter's value; ``N/A`` and other non-numbers are not counters."""
    if text is None:
        return None
    t = text.strip()
    return int(t) if t.isdigit() else None


def parse(xml: bytes | str) -> EccFact:
    """Decide the fact from ``nvidia-smi -q -x`` output."""
    from xml.etree import ElementTree

    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        return EccFact(None, f"nvidia-smi printed no parsable XML ({exc})")
    gpus = root.findall("gpu")
    if not gpus:
        return EccFact(None, "nvidia-smi lists no GPU")
    total = 0
    numeric = 0
    for gpu in gpus:
        volatile = gpu.find("ecc_errors/volatile")
        if volatile is None:
            continue
        values = [_count(volatile.findtext("double_bit/total"))]
        for child in volatile:
            tag = child.tag
            if tag.startswith(("sram_", "dram_")) and "uncorrectable" in tag:
                values.append(_count(child.text))
        for v in values:
            if v is not None:
                numeric += 1
                total += v
    if numeric == 0:
        return EccFact(None, f"no GPU reports volatile ECC counters ({len(gpus)} GPU(s), ECC off or N/A)",
                       len(gpus))
    if total > 0:
        return EccFact(True, f"{total} volatile uncorrectable ECC error(s) on {len(gpus)} GPU(s)", len(gpus))
    return EccFact(False, f"no volatile uncorrectable ECC errors on {len(gpus)} GPU(s)", len(gpus))


def which(name: str, path: str) -> str | None:
    """The first executable ``name`` on ``path``. Not ``shutil.which``: importing shutil
    costs the job container milliseconds on every failed job, and most nodes have no GPU."""
    for d in path.split(os.pathsep):
        exe = os.path.join(d or ".", name)
        if os.path.isfile(exe) and os.access(exe, os.X_OK):
            return exe
    return None


def query(timeout: float = TIMEOUT, path: str | None = None) -> EccFact:
    """Run ``nvidia-smi -q -x``; after ``timeout`` its process group is stopped the one
    way (pai_runtime.childproc.stop_group: SIGTERM, SIGKILL :data:`STOP_GRACE` later)."""
    exe = which("nvidia-smi", path if path is not None else os.environ.get("PATH", os.defpath))
    if exe is None:
        return EccFact(None, "nvidia-smi not found (no GPU driver in this container)")
    import subprocess

    try:
        proc = subprocess.Popen([exe, "-q", "-x"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
    except OSError as exc:
        return EccFact(None, f"cannot run nvidia-smi: {exc.strerror or exc}")
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        from pai_runtime.childproc import stop_group  # stdlib only, as PID 1 needs

        stop_group(proc, grace=STOP_GRACE)
        try:
            proc.communicate(timeout=1.0)
        except subprocess.TimeoutExpired:
            pass
        return EccFact(None, f"nvidia-smi did not answer within {timeout:g}s")
    if proc.returncode != 0:
        first = (err or out).decode("utf-8", "replace").strip().splitlines()[:1]
        return EccFact(None, f"nvidia-smi exited {proc.returncode}" + (f": {first[0][:200]}" if first else ""))
    return parse(out)
