"""The LSP registry: who SIKI routes to, what each may certify, and their credentials (the
webhook secret SIKI signs with, the api key an LSP reports with, kept only as a hash)."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from services.siki.db import lsps
from services.siki.db.models import Lsp
from services.siki.domain.webhooks import new_api_key, new_webhook_secret
from services.siki.usecases.context import Actor, SikiContext, sha256_hex, utcnow
from shared.contracts.siki import LspOut, LspRegistration, LspWithCredentials
from shared.database import autocommit_read, read_session
from shared.devdefaults import DEV_LSPS, dev_api_key, dev_webhook_secret
from shared.exceptions import Conflict, Invalid, NotFound
from shared.idempotency_marks import remember, replayed
from shared.logging import get_logger
from shared.reference import get_reference

log = get_logger(__name__)


async def seed_dev_lsps(ctx: SikiContext, webhook_urls: Mapping[str, str]) -> None:
    """Register the dev LSPs (``webhook_urls`` by code) with the well-known dev credentials.
    Known ones follow the configured URLs and the reference data, and keep their credentials
    (perhaps rotated by an operator)."""
    ref = get_reference()
    async with ctx.sessions() as s, s.begin():
        for code, dev in DEV_LSPS.items():
            url = webhook_urls[code]
            licence = list(ref.lsps.get(code, {}).get("jabatan_kerja_codes", []))
            row = await lsps.get(s, code)
            if row is not None:
                row.webhook_url = url
                row.jabatan_kerja_codes = licence
                continue
            s.add(Lsp(
                code=code, name=str(dev["name"]), webhook_url=url,
                webhook_secret=dev_webhook_secret(code), api_key_sha256=sha256_hex(dev_api_key(code)),
                jabatan_kerja_codes=licence, active=True, created_at=utcnow(),
            ))


async def register_lsp(ctx: SikiContext, reg: LspRegistration, *, actor: Actor) -> LspWithCredentials:
    """Register an LSP; its webhook secret and api key are answered this once. Audited."""
    if (notes := replayed()) is not None and notes.get("registered") == reg.code:
        # This very request (same Idempotency-Key) registered it in an attempt that died before
        # answering: nobody has seen those credentials, so they are answered now, instead of a
        # 409 "already registered" that would leave the operator with an LSP nobody can use.
        return await _credentials_again(ctx, reg.code, notes, "registered")
    unknown = [c for c in reg.jabatan_kerja_codes if c not in get_reference().jabatan_kerja]
    if unknown:
        raise Invalid.field("jabatan_kerja_codes", f"unknown jabatan kerja: {', '.join(unknown)}")
    await ctx.webhook_urls.check(reg.webhook_url)  # WebhookUrlRefused: 422 naming webhook_url
    secret, api_key = new_webhook_secret(), new_api_key()
    async with ctx.sessions() as s, s.begin():
        if await lsps.get(s, reg.code) is not None:
            raise Conflict(f"LSP {reg.code} is already registered; rotate its secret instead", field="code")
        row = Lsp(code=reg.code, name=reg.name, webhook_url=reg.webhook_url, webhook_secret=secret,
                  api_key_sha256=sha256_hex(api_key), jabatan_kerja_codes=list(reg.jabatan_kerja_codes),
                  active=reg.active, created_at=utcnow())
        s.add(row)
        _remember_credentials(registered=reg.code, webhook_secret=secret, api_key=api_key)
        await ctx.auditor.record(s, actor=actor.name, action="lsp.registered", target_type="lsp", target_id=reg.code,
                                 client=actor.client, detail={"active": reg.active,
                                                              "jabatan_kerja_codes": list(reg.jabatan_kerja_codes)})
    log.info("LSP registered", lsp_code=reg.code)
    return LspWithCredentials(**lsp_out(row).model_dump(), webhook_secret=secret, api_key=api_key)


async def rotate_lsp_secret(ctx: SikiContext, code: str, *, grace_seconds: int, actor: Actor) -> LspWithCredentials:
    """A new webhook secret and api key. The old api key stops working at once; the old webhook
    secret still signs beside the new one for ``grace_seconds`` (0: not at all), so that the
    LSP, verifying with either, loses no delivery while it switches.

    A retry of a rotation whose answer was lost (its process died after the commit) answers the
    credentials that rotation put in force, rather than rotating again: a second rotation would
    leave the caller with a pair nobody asked for and drop the grace period of the secret the
    LSP still uses (``previous_webhook_secret`` would become the lost one)."""
    if (notes := replayed()) is not None and notes.get("rotated") == code:
        return await _credentials_again(ctx, code, notes, "rotated")
    secret, api_key = new_webhook_secret(), new_api_key()
    async with ctx.sessions() as s, s.begin():
        row = await lsps.get(s, code, lock=True)
        if row is None:
            raise NotFound(f"LSP {code} not found")
        now = utcnow()
        row.previous_webhook_secret = row.webhook_secret if grace_seconds > 0 else None
        row.previous_secret_until = now + timedelta(seconds=grace_seconds) if grace_seconds > 0 else None
        row.webhook_secret = secret
        row.api_key_sha256 = sha256_hex(api_key)
        row.rotated_at = now
        _remember_credentials(rotated=code, webhook_secret=secret, api_key=api_key)
        await ctx.auditor.record(s, actor=actor.name, action="lsp.secret_rotated", target_type="lsp", target_id=code,
                                 client=actor.client, detail={"grace_seconds": grace_seconds})
    ctx.lsp_keys.forget_all()  # here at once; the other processes when the trigger's notification arrives
    log.info("LSP credentials rotated", lsp_code=code, grace_seconds=grace_seconds)
    return LspWithCredentials(**lsp_out(row).model_dump(), webhook_secret=secret, api_key=api_key)


def _remember_credentials(**notes: str) -> None:
    """The credentials an answer carries, kept with the request's claim for a retry after a lost
    answer: the api key is stored only as a hash, so they cannot be answered again otherwise.
    The notes sit in ``idempotency_keys.body``, sealed with SIKI's data keys like the stored
    answer that replaces them (which carries the same credentials), and go with it (24 h)."""
    remember(**notes)


async def _credentials_again(ctx: SikiContext, code: str, notes: dict[str, Any], done: str) -> LspWithCredentials:
    """The LSP with the credentials a dead attempt of this request put in force (its notes), as
    long as they still are. Once another rotation replaced them they authenticate nothing, and
    the ones in force belong to that rotation's caller (the api key is kept only as a hash):
    409, nothing rotated (a rotation would revoke that caller's pair)."""
    secret, api_key = str(notes.get("webhook_secret", "")), str(notes.get("api_key", ""))
    async with read_session(ctx.sessions) as s:
        row = await lsps.get(s, code)
    if row is None:  # an LSP is never deleted: only a registry restored from before the request
        raise NotFound(f"LSP {code} not found")
    if not (hmac.compare_digest(row.api_key_sha256, sha256_hex(api_key))
            and hmac.compare_digest(row.webhook_secret.encode(), secret.encode())):
        raise Conflict(f"LSP {code} was {done} by this request, but its credentials were rotated again since; "
                       "those of the later rotation are in force (rotate again if they are lost too)",
                       field="code")
    return LspWithCredentials(**lsp_out(row).model_dump(), webhook_secret=secret, api_key=api_key)


async def list_lsps(ctx: SikiContext, *, limit: int, offset: int) -> tuple[list[LspOut], int]:
    """One page of the registry by code, and how many LSPs it holds."""
    async with read_session(ctx.sessions) as s:
        rows, total = await lsps.page_of_lsps(s, limit=limit, offset=offset)
    return [lsp_out(row) for row in rows], total


async def lsp_code_by_api_key(ctx: SikiContext, api_key: str) -> str | None:
    """The code of the active LSP this api key belongs to: as kept since the registry last
    changed (db/lsp_keys.py: a rotated key, or a deactivated LSP's, stops working once the change
    is committed), else read, on a plain connection (an ORM session is not needed for one value)."""
    digest = sha256_hex(api_key)
    known = ctx.lsp_keys.code_of(digest)
    if known is not None:
        return known
    generation = ctx.lsp_keys.generation
    async with autocommit_read(ctx.engine) as conn:
        row = await lsps.by_api_key_digest(conn, digest)
    # The lookup is by hash already; compare again in constant time for good measure.
    if row is not None and hmac.compare_digest(row.api_key_sha256, digest):
        ctx.lsp_keys.keep(digest, str(row.code), generation)
        return str(row.code)
    return None


def lsp_out(row: Lsp) -> LspOut:
    return LspOut(code=row.code, name=row.name, webhook_url=row.webhook_url,
                  jabatan_kerja_codes=list(row.jabatan_kerja_codes or []), active=row.active,
                  created_at=row.created_at, rotated_at=row.rotated_at,
                  previous_secret_until=row.previous_secret_until if row.previous_webhook_secret else None)
