"""RecentAccounts: a remembered read judges only tokens of a version it has seen; a newer token,
or an account inactive or missing in the read, is judged by a fresh read (so a good token is
never refused for a stale cache, e.g. a login or password reset in another replica)."""

from __future__ import annotations

import pytest

from shared.account_cache import AccountStanding, RecentAccounts, admits


class Db:
    def __init__(self, account: AccountStanding | None) -> None:
        self.account = account
        self.reads = 0

    async def read(self) -> AccountStanding | None:
        self.reads += 1
        return self.account


async def test_a_remembered_read_judges_tokens_of_its_own_version_and_older() -> None:
    cache: RecentAccounts[AccountStanding] = RecentAccounts(5)
    db = Db(AccountStanding(active=True, token_version=3))
    assert await cache.account("u", 3, db.read, now=0) == AccountStanding(True, 3)
    db.account = AccountStanding(active=False, token_version=4)  # changed elsewhere: not seen yet
    assert await cache.account("u", 3, db.read, now=4.9) == AccountStanding(True, 3)  # the window
    assert await cache.account("u", 2, db.read, now=4.9) == AccountStanding(True, 3)  # older: ended
    assert db.reads == 1
    assert await cache.account("u", 3, db.read, now=5) == AccountStanding(False, 4)  # lapsed: read
    assert db.reads == 2


@pytest.mark.parametrize(("remembered", "token_version"), [
    (AccountStanding(active=True, token_version=1), 2),  # a token newer than the read
    (AccountStanding(active=False, token_version=2), 2),  # reactivated since the read
    (None, 2),  # created since the read
])
async def test_a_token_the_read_cannot_judge_is_read_afresh(remembered: AccountStanding | None,
                                                            token_version: int) -> None:
    cache: RecentAccounts[AccountStanding] = RecentAccounts(600)
    cache.remember("u", remembered, now=0)
    db = Db(AccountStanding(active=True, token_version=2))
    account = await cache.account("u", token_version, db.read, now=1)
    assert db.reads == 1 and account is not None and admits(account, token_version)
    assert cache.remembered("u", now=1) == AccountStanding(True, 2)  # and remembered


async def test_forget_reads_again_and_zero_ttl_always_reads() -> None:
    cache: RecentAccounts[AccountStanding] = RecentAccounts(600)
    db = Db(AccountStanding(active=True, token_version=1))
    await cache.account("u", 1, db.read, now=0)
    cache.forget("u")
    await cache.account("u", 1, db.read, now=0)
    assert db.reads == 2
    off: RecentAccounts[AccountStanding] = RecentAccounts(0)
    for _ in range(3):
        await off.account("u", 1, db.read, now=0)
    assert db.reads == 5 and off.remembered("u", now=0) is None


def test_entries_lapse_and_stay_bounded() -> None:
    cache: RecentAccounts[AccountStanding] = RecentAccounts(30, max_entries=2)
    standing = AccountStanding(active=True, token_version=0)
    cache.remember("a", standing, now=0)
    assert cache.remembered("a", now=29.9) == standing and cache.remembered("a", now=30) is None
    cache.remember("b", standing, now=20)
    cache.remember("c", standing, now=40)  # full: "a" has lapsed and is dropped
    assert cache.remembered("b", now=40) and cache.remembered("c", now=40) and not cache.remembered("a", now=40)
    assert len(cache._entries) == 2
    cache.remember("d", standing, now=41)  # full of fresh entries: starts over
    assert cache.remembered("d", now=41) and not cache.remembered("b", now=41)


def test_admits_only_the_current_version_of_an_active_account() -> None:
    assert admits(AccountStanding(True, 2), 2)
    assert not admits(AccountStanding(True, 2), 1) and not admits(AccountStanding(True, 2), 3)
    assert not admits(AccountStanding(False, 2), 2)


async def test_a_read_overtaken_by_a_forget_is_not_remembered() -> None:
    """A request reads the account, a logout in this process commits and forgets it, then the
    read returns: what it read may predate the logout, so it is not kept for the next request."""
    cache: RecentAccounts[AccountStanding] = RecentAccounts(600)
    db = Db(AccountStanding(active=True, token_version=1))

    async def read_then_logout() -> AccountStanding | None:
        found = await db.read()
        db.account = AccountStanding(active=True, token_version=2)  # the logout commits...
        cache.forget("u")  # ...and forgets, while the read is still on its way back
        return found

    assert await cache.account("u", 1, read_then_logout, now=0) == AccountStanding(True, 1)
    assert cache.remembered("u", now=0) is None
    assert await cache.account("u", 1, db.read, now=0) == AccountStanding(True, 2)  # the old token: ended


def test_accounts_no_longer_asked_for_do_not_pile_up() -> None:
    """A portal sees each applicant for a while, then not again: it holds about the accounts of
    the last few seconds, not one per applicant since it started (shared/lapsing.py)."""
    cache: RecentAccounts[AccountStanding] = RecentAccounts(5, max_entries=100_000)
    standing = AccountStanding(active=True, token_version=0)
    for second in range(20_000):
        cache.remember(f"user-{second}", standing, now=second)
    assert len(cache._entries) <= 1024 + 1
    assert cache.remembered("user-19999", now=19_999.5) == standing
