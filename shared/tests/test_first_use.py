"""shared.first_use.import_in_thread: a library imported at its first use, in a worker thread the
first time, from ``sys.modules`` after that."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import Any

import pytest

from shared import first_use
from shared.first_use import import_in_thread


async def test_first_import_runs_in_a_worker_thread_then_comes_from_sys_modules(
        monkeypatch: pytest.MonkeyPatch) -> None:
    threaded: list[tuple[Any, ...]] = []
    real_to_thread = asyncio.to_thread

    async def counting(func: Callable[..., Any], *args: Any) -> Any:
        threaded.append(args)
        return await real_to_thread(func, *args)

    monkeypatch.setattr(first_use.asyncio, "to_thread", counting)
    monkeypatch.delitem(sys.modules, "colorsys", raising=False)  # a module nothing here needs
    module = await import_in_thread("colorsys")
    assert module is sys.modules["colorsys"] and module.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)
    assert threaded == [("colorsys",)]
    assert await import_in_thread("colorsys") is module
    assert threaded == [("colorsys",)]  # imported already: no thread


async def test_an_unknown_module_raises_as_import_does() -> None:
    with pytest.raises(ModuleNotFoundError):
        await import_in_thread("no_such_module_skk")
