"""Settings common to every service, read from the environment with the prefix ``SKK_``.

Each service subclasses :class:`ServiceSettings` with its own keys. Dev mode works out of the
box with embedded defaults; production mode refuses to start while any secret still has its
published dev default (those defaults are in this repository for anyone to read), is derivable
from them (any LSP code's dev credentials), or is weak (shared/secretpolicy.py).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.crypto import KEY_BYTES, KID_PATTERN, decode_key, key_weakness
from shared.devdefaults import (
    DEV_DATA_KEY_ID,
    dev_blind_index_key,
    dev_data_key,
    is_dev_blind_index_key,
    is_dev_credential,
    is_dev_data_key,
    is_dev_service_key,
)
from shared.secretpolicy import weakness
from shared.servicekeys import TrustedKeyEntry, load_private_key


class Mode(StrEnum):
    DEV = "dev"
    PRODUCTION = "production"


DEV_PASSWORD = "Dev-Password-123"


class DefaultSecretError(ValueError):
    pass


def _unwrap(value: Any) -> Any:
    return value.get_secret_value() if isinstance(value, SecretStr) else value


class ServiceSettings(BaseSettings):
    # Refusals name the setting, never its value (hide_input_in_errors).
    model_config = SettingsConfigDict(env_prefix="SKK_", extra="ignore", env_file=None, hide_input_in_errors=True)

    # Names of fields holding secrets: production mode refuses them unset, at their published
    # default, dev-derived or weak (secret_problem).
    secret_fields: ClassVar[tuple[str, ...]] = ("service_signing_key_pem",)
    # Secrets that may stay unset, held to the same rules when set (e.g. a previous secret kept
    # during a rotation).
    optional_secret_fields: ClassVar[tuple[str, ...]] = ("metrics_token",)
    # Whether this service keys blind indexes or file names (production then needs
    # blind_index_key set).
    blind_index_required: ClassVar[bool] = False

    mode: Mode = Mode.DEV
    service_name: str = "service"
    host: str = "127.0.0.1"
    port: int = 8000
    # sqlite+aiosqlite:///var/x.db or postgresql+asyncpg://user@host/db
    database_url: str = "sqlite+aiosqlite:///var/service.db"
    database_pool_size: int = 10
    # None selects the in-process bus (embedded mode); amqp://guest:guest@127.0.0.1/ selects RabbitMQ.
    amqp_url: str | None = None
    bus_exchange: str = "skk.events"
    bus_max_attempts: int = 5
    bus_retry_base_seconds: float = 0.2
    bus_retry_max_seconds: float = 5.0
    bus_prefetch: int = 16
    # Event authenticity on RabbitMQ (docs/CONTRACTS.md "Event authenticity"): each service logs
    # in as its own broker user, <bus_user_prefix><service> ("lsp-<code>" for lsp:<code>) unless
    # bus_users maps a user to its service; bus_shared_users speak for every service (one trust
    # domain, as the in-process bus): unset means "guest" in dev mode, none in production.
    bus_user_prefix: str = ""
    bus_users: dict[str, str] = {}
    bus_shared_users: list[str] | None = None
    outbox_poll_seconds: float = 0.5
    # Published outbox rows are deleted after this many days (shared/outbox_retention.py).
    outbox_retention_days: float = Field(default=1.0, gt=0)
    smtp_url: str | None = None
    mail_from: str = "SKK Konstruksi <no-reply@skk.example.id>"
    # Service identity (docs/CONTRACTS.md "Service identity"): this party's own Ed25519 private
    # key (PKCS#8 PEM) signing its service tokens, and its key id (default: the RFC 7638
    # thumbprint). Empty in dev mode: the key derived from service_name, which production refuses.
    service_signing_key_pem: SecretStr = SecretStr("")
    service_signing_kid: str = ""
    # The public keys this party accepts service tokens from: a JSON list of
    # {"kid", "iss", "public_key_pem"} (several per issuer during a rotation). Dev mode adds the
    # dev keys of every known party.
    service_trusted_keys: list[TrustedKeyEntry] = []
    service_token_ttl_seconds: int = 300
    # A token whose exp - iat exceeds this is refused, however far away its exp.
    service_token_max_lifetime_seconds: int = 600
    service_token_leeway_seconds: int = 30
    http_timeout_seconds: float = 10.0
    http_retries: int = 3
    # "aiohttp" keeps the httpx API on aiohttp's faster client (about 4x the calls per second
    # between services on this machine); "httpx" is the default the tests mock with respx.
    http_backend: Literal["httpx", "aiohttp"] = "httpx"
    # Production serves /metrics only to a scraper presenting this bearer token (unset: no metrics).
    metrics_token: SecretStr | None = None
    # The largest request body any route reads, in bytes (upload routes are allowed their own,
    # shared/http_surface.py allow_uploads); a bigger one gets 413 before it is read.
    max_request_bytes: int = 1024 * 1024
    log_level: str = "INFO"
    log_json: bool = True
    migrate_on_startup: bool = True
    # After start-up the heap built so far is frozen and young collections come less often
    # (shared/gctuning.py). Off where one process builds many apps and drops them (the tests).
    gc_tuned_after_startup: bool = True
    # Where the other parties of the chain answer.
    portal_url: str = "http://127.0.0.1:8000"
    siki_url: str = "http://127.0.0.1:8001"
    bnsp_url: str = "http://127.0.0.1:8003"
    lpjk_url: str = "http://127.0.0.1:8004"
    dev_password: SecretStr = SecretStr(DEV_PASSWORD)
    # Personal data at rest (shared/crypto.py): the key-encryption keys by key id, a JSON object
    # {"<kid>": "<base64 of 32 random bytes>"}; data_key_id names the one that encrypts (the
    # others still decrypt: keep an old key until its data is re-encrypted). Empty in dev mode:
    # one key derived from service_name, which production refuses.
    data_keys: dict[str, SecretStr] = {}
    data_key_id: str = ""
    # Keys the blind indexes (HMAC-SHA256 of a normalised NIK: lookups without the NIK) and the
    # names of encrypted files. Never rotated in place: every index would change with it.
    blind_index_key: SecretStr = SecretStr("")

    @property
    def is_dev(self) -> bool:
        return self.mode == Mode.DEV

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> ServiceSettings:
        if self.mode != Mode.PRODUCTION:
            return self
        # Each refusal names the setting and the reason, never the value (secretpolicy.py).
        offending: list[str] = []
        for name in (*self.secret_fields, *self.optional_secret_fields):
            problem = self.secret_problem(name)
            if problem is not None:
                offending.append(f"SKK_{name.upper()} ({problem})")
        if offending:
            raise DefaultSecretError(
                "production mode refuses default secrets; set " + ", ".join(offending)
            )
        return self

    def lsp_codes_named(self) -> list[str]:
        """The LSP codes these settings name (``lsp_code``, the keys of ``dev_lsp_urls``): their
        dev credentials are refused besides the dev LSPs'."""
        codes = [getattr(self, "lsp_code", None), *dict(getattr(self, "dev_lsp_urls", None) or {})]
        return [str(c) for c in codes if c]

    def secret_problem(self, name: str) -> str | None:
        """Why the secret in field ``name`` is refused in production (None: it is not). A
        service adds its own rules by overriding this (LPJK's QR key)."""
        field = type(self).model_fields[name]
        plain, plain_default = _unwrap(getattr(self, name)), _unwrap(field.get_default(call_default_factory=True))
        if not plain:
            return None if name in self.optional_secret_fields else "unset"
        if plain == plain_default or is_dev_credential(str(plain), self.lsp_codes_named()):
            return "the published dev value"
        weak = weakness(str(plain))
        return f"too weak: {weak}" if weak else None

    @model_validator(mode="after")
    def _check_service_identity(self) -> ServiceSettings:
        """The signing key and the trust list parse; production refuses every dev service key."""
        if not 0 < self.service_token_ttl_seconds <= self.service_token_max_lifetime_seconds:
            raise ValueError("SKK_SERVICE_TOKEN_TTL_SECONDS must be positive and at most "
                             "SKK_SERVICE_TOKEN_MAX_LIFETIME_SECONDS")
        kids = [e.kid for e in self.service_trusted_keys]
        if len(set(kids)) != len(kids):
            raise ValueError("SKK_SERVICE_TRUSTED_KEYS: each kid may appear once")
        pem = self.service_signing_key_pem.get_secret_value()
        try:
            key = load_private_key(pem) if pem.strip() else None
        except ValueError as exc:
            raise ValueError(f"SKK_SERVICE_SIGNING_KEY_PEM: {exc}") from None
        if self.mode != Mode.PRODUCTION:
            return self
        parties = [self.service_name, *(e.iss for e in self.service_trusted_keys)]
        refused = [f"SKK_SERVICE_TRUSTED_KEYS entry kid={e.kid!r}" for e in self.service_trusted_keys
                   if is_dev_service_key(e.public_key(), parties)]
        if key is not None and is_dev_service_key(key.public_key(), parties):
            refused.insert(0, "SKK_SERVICE_SIGNING_KEY_PEM")
        if refused:
            raise DefaultSecretError("production mode refuses dev service keys (derivable by anyone): "
                                     + ", ".join(refused))
        return self

    def data_keyring(self) -> tuple[dict[str, bytes], str, bytes]:
        """The data keys by kid, the active kid and the blind-index key (dev mode: derived from
        service_name when unset)."""
        keys = {kid: decode_key(v.get_secret_value()) for kid, v in self.data_keys.items()}
        active = self.data_key_id or next(iter(keys), DEV_DATA_KEY_ID)
        if not keys:
            keys, active = {DEV_DATA_KEY_ID: dev_data_key(self.service_name)}, DEV_DATA_KEY_ID
        # Production without one (a service that keys no blind index): none, so any use fails.
        blind = self.blind_index_key.get_secret_value() or (dev_blind_index_key(self.service_name)
                                                            if self.mode != Mode.PRODUCTION else "")
        return keys, active, blind.encode()

    @model_validator(mode="after")
    def _check_data_keys(self) -> ServiceSettings:
        """Each data key is base64 of 32 bytes under a valid kid, the active kid is one of them;
        production refuses unset, dev-derived and weak keys. Messages name kids, never keys."""
        problems: list[str] = []
        keys: dict[str, bytes] = {}
        for kid, value in self.data_keys.items():
            if not KID_PATTERN.match(kid):
                raise ValueError(f"SKK_DATA_KEYS: key id {kid!r} must match {KID_PATTERN.pattern}")
            try:
                keys[kid] = decode_key(value.get_secret_value())
            except ValueError:
                raise ValueError(f"SKK_DATA_KEYS entry {kid!r}: not base64") from None
            weak = key_weakness(keys[kid])
            if weak and (len(keys[kid]) != KEY_BYTES or self.mode == Mode.PRODUCTION):
                problems.append(f"SKK_DATA_KEYS entry {kid!r} ({weak})")
        if self.data_key_id and self.data_key_id not in keys and (keys or self.mode == Mode.PRODUCTION):
            raise ValueError("SKK_DATA_KEY_ID names no entry of SKK_DATA_KEYS")
        if len(keys) > 1 and not self.data_key_id:
            raise ValueError("SKK_DATA_KEY_ID must name the active entry of SKK_DATA_KEYS")
        if self.mode != Mode.PRODUCTION:
            if problems:
                raise ValueError("; ".join(problems))
            return self
        parties = [self.service_name]
        if not keys:
            problems.append("SKK_DATA_KEYS (unset)")
        problems += [f"SKK_DATA_KEYS entry {kid!r} (the published dev value)"
                     for kid, key in keys.items() if is_dev_data_key(key, parties)]
        blind = self.blind_index_key.get_secret_value()
        if blind and is_dev_blind_index_key(blind, parties):
            problems.append("SKK_BLIND_INDEX_KEY (the published dev value)")
        elif blind and weakness(blind):
            problems.append(f"SKK_BLIND_INDEX_KEY (too weak: {weakness(blind)})")
        elif not blind and self.blind_index_required:
            problems.append("SKK_BLIND_INDEX_KEY (unset)")
        if problems:
            raise DefaultSecretError("production mode refuses these data keys; set " + ", ".join(problems))
        return self

    @model_validator(mode="after")
    def _check_broker_identity(self) -> ServiceSettings:
        """The AMQP user stands for this service; production refuses guest, shared users and dev
        broker passwords (docs/CONTRACTS.md "Event authenticity")."""
        from shared.bus.users import BrokerUsers, amqp_url_problems

        problems = amqp_url_problems(self.amqp_url, self.service_name, BrokerUsers.from_settings(self),
                                     production=self.mode == Mode.PRODUCTION, shared_set=self.bus_shared_users or ())
        if problems:
            raise DefaultSecretError("; ".join(problems))
        return self
