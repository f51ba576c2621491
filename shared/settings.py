"""Settings common to every service, read from the environment with the prefix ``SKK_``.

Each service subclasses :class:`ServiceSettings` with its own keys. Dev mode works out of the
box with embedded defaults; production mode refuses to start while any secret still has its
published dev default, because those defaults are in this repository for anyone to read.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar, Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.devdefaults import is_dev_credential


class Mode(StrEnum):
    DEV = "dev"
    PRODUCTION = "production"


DEV_SERVICE_TOKEN_SECRET = "dev-service-token-secret-change-me-0000"
DEV_PASSWORD = "Dev-Password-123"


class DefaultSecretError(ValueError):
    pass


def _unwrap(value: Any) -> Any:
    return value.get_secret_value() if isinstance(value, SecretStr) else value


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SKK_", extra="ignore", env_file=None)

    # Names of fields holding secrets, checked against their defaults in production mode.
    secret_fields: ClassVar[tuple[str, ...]] = ("service_token_secret",)

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
    outbox_poll_seconds: float = 0.5
    smtp_url: str | None = None
    mail_from: str = "SKK Konstruksi <no-reply@skk.example.id>"
    service_token_secret: SecretStr = SecretStr(DEV_SERVICE_TOKEN_SECRET)
    service_token_ttl_seconds: int = 300
    http_timeout_seconds: float = 10.0
    http_retries: int = 3
    # "aiohttp" keeps the httpx API on aiohttp's faster client (about 4x the calls per second
    # between services on this machine); "httpx" is the default the tests mock with respx.
    http_backend: Literal["httpx", "aiohttp"] = "httpx"
    log_level: str = "INFO"
    log_json: bool = True
    migrate_on_startup: bool = True
    # Where the other parties of the chain answer.
    portal_url: str = "http://127.0.0.1:8000"
    siki_url: str = "http://127.0.0.1:8001"
    bnsp_url: str = "http://127.0.0.1:8003"
    lpjk_url: str = "http://127.0.0.1:8004"
    dev_password: SecretStr = SecretStr(DEV_PASSWORD)

    @property
    def is_dev(self) -> bool:
        return self.mode == Mode.DEV

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> ServiceSettings:
        if self.mode != Mode.PRODUCTION:
            return self
        offending: list[str] = []
        for name in self.secret_fields:
            field = type(self).model_fields[name]
            default: Any = field.get_default(call_default_factory=True)
            value: Any = getattr(self, name)
            plain, plain_default = _unwrap(value), _unwrap(default)
            if not plain or plain == plain_default or is_dev_credential(str(plain)):
                offending.append("SKK_" + name.upper())
        if offending:
            raise DefaultSecretError(
                "production mode refuses default secrets; set " + ", ".join(offending)
            )
        return self
