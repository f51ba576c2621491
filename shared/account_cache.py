"""The accounts behind bearer tokens, remembered for a few seconds per process.

A token proves who sent it and names the account's token version it was minted under; whether the
account is still active and that version still current is read from the database, at most once
per ``ttl_seconds`` per account, so that a poll does not cost a read per request. The price of
the cache is a bounded window: a logout, deactivation or password change made by *another*
process (a replica) lets the ended tokens in until the entry lapses.

What the cache must never do is refuse a good token. A remembered read can only judge tokens of
a version it has seen: the same version while the account was active (admitted), or an older one
(ended: versions only grow). A token newer than the read, or an account inactive or missing in it,
means the read is older than the token (a login or reactivation in another replica): such a
token is judged by a fresh read. In this process a change is seen at once: the use case that
makes it calls :meth:`RecentAccounts.forget`, and a read that was under way meanwhile is not kept.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from shared.lapsing import Lapsing


class Standing(Protocol):
    @property
    def active(self) -> bool: ...

    @property
    def token_version(self) -> int: ...


@dataclass(frozen=True)
class AccountStanding:
    """The least an account needs to say of itself to judge a token."""

    active: bool
    token_version: int


S = TypeVar("S", bound=Standing)


def admits(account: Standing, token_version: int) -> bool:
    """Whether a token of ``token_version`` is good for ``account`` as read."""
    return account.active and account.token_version == token_version


class RecentAccounts(Generic[S]):
    """Accounts as last read, by key, for ``ttl_seconds`` (``<= 0``: read every time)."""

    def __init__(self, ttl_seconds: float, max_entries: int = 10_000) -> None:
        self.ttl = ttl_seconds
        self._entries: Lapsing[str, S | None] = Lapsing(max_entries)
        # Counts forget() calls: a read that a forget() overtook may predate the change that
        # caused it, so it answers its own request but is not remembered.
        self._forgets = 0

    async def account(self, key: str, token_version: int, read: Callable[[], Awaitable[S | None]],
                      *, now: float | None = None) -> S | None:
        """The account as it stands for a token of ``token_version``: remembered if that read
        can judge the token, else read afresh (and remembered)."""
        now = time.monotonic() if now is None else now
        remembered = self.remembered(key, now=now)
        if remembered is not None and (token_version < remembered.token_version or admits(remembered, token_version)):
            return remembered
        forgets = self._forgets
        found = await read()
        if forgets == self._forgets:
            self.remember(key, found, now=now)
        return found

    def remembered(self, key: str, *, now: float | None = None) -> S | None:
        return self._entries.get(key, time.monotonic() if now is None else now)

    def remember(self, key: str, account: S | None, *, now: float | None = None) -> None:
        if self.ttl <= 0:
            return
        now = time.monotonic() if now is None else now
        self._entries.put(key, account, until=now + self.ttl, now=now)

    def forget(self, key: str) -> None:
        """Read the account afresh on its next request (it changed in this process)."""
        self._forgets += 1
        self._entries.pop(key)

    def forget_all(self) -> None:
        self._entries.clear()
