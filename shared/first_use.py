"""Importing a library when it is first needed rather than when a service starts (issue 17: idle
RSS under 100 MiB), without holding the event loop for the import."""

from __future__ import annotations

import asyncio
import importlib
import sys
from types import ModuleType


async def import_in_thread(name: str) -> ModuleType:
    """``name`` imported, its first import run in a worker thread (its module code holds the
    event loop no longer than the interpreter's switch interval at a time)."""
    module = sys.modules.get(name)
    # A module another call is importing right now is in sys.modules before its code has run.
    if module is None or getattr(getattr(module, "__spec__", None), "_initializing", False):
        await asyncio.to_thread(importlib.import_module, name)
        module = importlib.import_module(name)
    return module
