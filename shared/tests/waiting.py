"""Waiting in tests for something another task or process does: one helper for every suite.

The deadline is generous (30 s) because it is spent only when a test fails, while a loaded CI
machine can stall a healthy chain for several seconds. The polls back off (20 ms up to 100 ms)
because many checks are audited reads, each a write: polling at a fixed 20 ms kept SQLite's
write lock busy and could starve the very handler the test was waiting for."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

DEFAULT_TIMEOUT = 30.0
FIRST_PAUSE = 0.02
LONGEST_PAUSE = 0.1


async def _value(check: Callable[[], Any]) -> Any:
    result = check()
    return await result if inspect.isawaitable(result) else result


async def eventually(check: Callable[[], Awaitable[object] | object], timeout: float = DEFAULT_TIMEOUT,
                     what: str = "condition") -> None:
    """Returns once ``check()`` (sync or async) is truthy; fails naming ``what`` after ``timeout``."""
    await wait_until(check, lambda value: bool(value), timeout=timeout, what=what)


async def wait_until(get: Callable[[], Any], done: Callable[[Any], bool], *,
                     timeout: float = DEFAULT_TIMEOUT, what: str = "condition") -> Any:
    """Polls ``get()`` until ``done`` accepts its value, and returns that value."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    pause = FIRST_PAUSE
    while True:
        value = await _value(get)
        if done(value):
            return value
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}; last value {value!r}")
        await asyncio.sleep(pause)
        pause = min(pause * 1.5, LONGEST_PAUSE)
