"""OpenPAI's own test suite (microsoft/openpai-runtime ``test/`` and the Go exit handler's
tests), each case expressed as a test of pai-runtime's behaviour through its CLI, with the
peer's fixtures (``fixtures/``, see its NOTICE) and the peer's expected values."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
