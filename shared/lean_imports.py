"""Libraries imported without their terminal extras, so that a service starts smaller (issue 17:
idle RSS under 100 MiB).

``import structlog`` imports its console renderer, which imports rich when installed (for
tracebacks on a terminal), and ``import httpx`` imports its command-line client (click, rich and
pygments) when they are installed. A service logs JSON and never runs httpx's command line, yet
paid 3.5 MiB of RSS for rich and pygments. ``services/__init__.py`` imports both libraries here,
before any service module does, with rich and pygments hidden: httpx then defines its stub
``main`` and structlog its plain tracebacks, as they do where rich is not installed.
``shared.logging`` brings structlog's console renderer back with rich for console logs.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

TERMINAL_EXTRAS = ("rich", "pygments")


@contextlib.contextmanager
def terminal_extras_hidden() -> Iterator[None]:
    """``import rich`` and ``import pygments`` raise ImportError inside the block (unless either
    is imported already: then hiding would only make the two libraries disagree)."""
    if any(name in sys.modules for name in TERMINAL_EXTRAS):
        yield
        return
    for name in TERMINAL_EXTRAS:
        sys.modules[name] = None  # type: ignore[assignment]  # what ``import`` takes for "absent"
    try:
        yield
    finally:
        for name in TERMINAL_EXTRAS:
            del sys.modules[name]


def import_without_terminal_extras() -> None:
    """structlog and httpx imported (once per process) without rich and pygments."""
    with terminal_extras_hidden():
        import httpx  # noqa: F401
        import structlog  # noqa: F401
