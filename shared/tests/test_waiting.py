"""The suites' one waiting helper: sync and async checks, the value returned, the failure named."""

from __future__ import annotations

import pytest

from shared.tests.waiting import eventually, wait_until


async def test_a_sync_check_is_polled_until_true() -> None:
    calls: list[int] = []

    def check() -> bool:
        calls.append(1)
        return len(calls) == 3

    await eventually(check, timeout=5)
    assert len(calls) == 3


async def test_an_async_check_and_the_accepted_value() -> None:
    values = iter([None, [], ["dead"]])

    async def get() -> list[str] | None:
        return next(values)

    assert await wait_until(get, lambda v: bool(v), timeout=5) == ["dead"]


async def test_a_check_never_true_fails_naming_what_and_the_last_value() -> None:
    with pytest.raises(AssertionError, match=r"timed out after 0.2 s waiting for the register; last value 0"):
        await wait_until(lambda: 0, lambda v: v == 1, timeout=0.2, what="the register")
