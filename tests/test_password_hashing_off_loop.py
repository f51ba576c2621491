"""argon2 holds the CPU for ~100 ms: every service hashes and verifies passwords in a worker
thread (shared/hashing.py), never on its event loop."""

from __future__ import annotations

import inspect


def test_every_service_hashes_passwords_only_off_the_loop() -> None:
    """The class, not one call site: the password functions the services call are coroutines, so
    a call on the loop without ``await`` cannot hash (it fails the type check and the tests)."""
    from services.lsp.usecases import staff
    from services.portal import security
    from shared import operators

    for module in (security, staff, operators):
        assert inspect.iscoroutinefunction(module.hash_password), module.__name__
        assert inspect.iscoroutinefunction(module.verify_password), module.__name__
