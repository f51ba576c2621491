"""Settings of one LSP instance (environment variables ``SKK_*``).

One process (or app) per LSP: ``SKK_LSP_CODE`` picks which; the port, database and SIKI
credentials default per code in dev mode (LSP-A on 8002, LSP-B on 8012).
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any, ClassVar

from pydantic import Field, SecretStr, field_validator, model_validator

from services.lsp.domain.appeals import DEFAULT_DECISION_WORKING_DAYS
from services.lsp.domain.experience import DEFAULT_KIND_ALIASES, DEFAULT_KINDS_BY_KUALIFIKASI
from services.lsp.domain.pkb import DEFAULT_PKB_MINIMUMS, format_minimums, parse_minimums
from shared.devdefaults import DEV_LSPS, dev_api_key, dev_webhook_secret
from shared.settings import DefaultSecretError, Mode, ServiceSettings


def dev_jwt_secret(lsp_code: str) -> str:
    """The dev-only staff-token secret, different per LSP so one LSP's tokens never open another."""
    return "dev-lsp-jwt-" + hashlib.sha256(f"skk-dev-only:jwt:{lsp_code}".encode()).hexdigest()[:32]


# Scheme requirements for the jenjang the reference data has no public source for
# (REFERENCE.md: "configurable"). Each option: minimum education level and years of experience.
DEFAULT_REQUIREMENTS: dict[int, list[dict[str, Any]]] = {
    1: [{"education_level": "SD", "min_years": 0}],
    2: [{"education_level": "SMP", "min_years": 0}, {"education_level": "SD", "min_years": 2}],
    3: [{"education_level": "SMA", "min_years": 0}, {"education_level": "SMK", "min_years": 0},
        {"education_level": "SMP", "min_years": 2}],
    5: [{"education_level": "D3", "min_years": 2}, {"education_level": "SMK", "min_years": 6}],
    8: [{"education_level": "S1", "min_years": 6}, {"education_level": "D4", "min_years": 6}],
    9: [{"education_level": "S1", "min_years": 10}, {"education_level": "D4", "min_years": 10}],
}


class LspSettings(ServiceSettings):
    secret_fields: ClassVar[tuple[str, ...]] = (
        "service_signing_key_pem", "siki_webhook_secret", "siki_api_key", "jwt_secret",
    )
    optional_secret_fields: ClassVar[tuple[str, ...]] = (
        *ServiceSettings.optional_secret_fields, "siki_webhook_secret_previous",
    )

    lsp_code: str = "LSP-A"
    lsp_name: str = ""
    service_name: str = ""
    port: int = 0
    database_url: str = ""
    # The Standard Webhooks secret SIKI signs this LSP's webhooks with, and this LSP's key for
    # SIKI's status API. Both are issued by SIKI when the LSP is registered.
    siki_webhook_secret: SecretStr = SecretStr("")
    # During a rotation (SIKI's rotate_lsp_secret): the secret SIKI signed with before, still
    # accepted beside the current one; unset once the rotation is over.
    siki_webhook_secret_previous: SecretStr = SecretStr("")
    siki_api_key: SecretStr = SecretStr("")
    webhook_tolerance_seconds: int = 300
    # How long the re-check of a received application at SIKI may take before it is left for
    # later (checked again before the application is accepted).
    eligibility_check_timeout_seconds: float = 3.0
    # Staff tokens (OAuth2 password flow on this LSP).
    jwt_secret: SecretStr = SecretStr("")
    access_token_ttl_seconds: int = 3600
    # How long a request may rely on what it last read of a staff account (active, roles, token
    # version): deactivation, role removal and logout reach every replica within this; a token
    # newer than the read is read afresh (shared/account_cache.py). 0: read the account on
    # every request.
    staff_session_cache_seconds: float = 5.0
    # The invoice: due after this many working days; collective leave (cuti bersama, the
    # `holidays` package's "government" category) counts as a holiday unless switched off.
    invoice_working_days: int = 7
    count_collective_leave: bool = True
    # Dates (invoice issue date, assessment day, sweep "today") are taken in this zone.
    timezone: str = "Asia/Jakarta"
    deadline_sweep_interval_seconds: float = 300.0
    # Safety net for status reports whose bus retries ran out during a long SIKI outage.
    report_resend_interval_seconds: float = 30.0
    # Scheme defaults (scheme data: seeded once, then the LSP's own).
    scheme_fees: dict[str, Decimal] = {
        "Operator": Decimal(500000), "Teknisi/Analis": Decimal(1000000), "Ahli": Decimal(2500000),
    }
    default_requirements: dict[int, list[dict[str, Any]]] = DEFAULT_REQUIREMENTS
    # Which kinds of experience count per kualifikasi (a scheme's requirement option may name its
    # own ``experience_kinds``), and the spellings of each kind (domain/experience.py).
    experience_kinds: dict[str, list[str]] = DEFAULT_KINDS_BY_KUALIFIKASI
    experience_kind_aliases: dict[str, list[str]] = DEFAULT_KIND_ALIASES
    # An appeal undecided this many working days after it was filed is flagged to the manager.
    appeal_decision_working_days: int = Field(DEFAULT_DECISION_WORKING_DAYS, ge=1)
    # A renewal by an Ahli must show this many PKB (SKPK) credits per jenjang ("jenjang:credits,
    # ..."; domain/pkb.py). The portal reads the same variable, so both check the same table. A
    # malformed value refuses to start.
    pkb_minimums: str = DEFAULT_PKB_MINIMUMS
    seed_dev_staff: bool = True
    # Staff administration: where the LSP is reached from outside (the emailed activation link
    # points there; dev default: this instance's own port), how long an activation link lasts, and
    # where mail goes when no SMTP server is configured (``smtp_url``: one .eml per message).
    public_url: str = ""
    staff_activation_ttl_hours: int = 72
    mail_dir: str = ""

    @model_validator(mode="before")
    @classmethod
    def _per_lsp_defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        import os

        code = data.get("lsp_code") or os.environ.get("SKK_LSP_CODE") or "LSP-A"
        dev = DEV_LSPS.get(code, {})
        slug = code.lower().replace("-", "_")

        def default(key: str, value: Any) -> None:
            if not data.get(key) and not os.environ.get("SKK_" + key.upper()):
                data[key] = value

        default("service_name", f"lsp:{code}")
        default("lsp_name", dev.get("name", code))
        default("port", dev.get("port", 8002))
        default("database_url", f"sqlite+aiosqlite:///var/{slug}.db")
        default("siki_webhook_secret", dev_webhook_secret(code))
        default("siki_api_key", dev_api_key(code))
        default("jwt_secret", dev_jwt_secret(code))
        default("public_url", f"http://127.0.0.1:{data.get('port') or os.environ.get('SKK_PORT')}")
        default("mail_dir", f"var/mail/{slug}")
        return data

    @field_validator("pkb_minimums")
    @classmethod
    def _parse_pkb_minimums(cls, value: str) -> str:
        try:
            return format_minimums(parse_minimums(value))
        except ValueError as exc:
            raise ValueError(f"SKK_PKB_MINIMUMS: {exc}") from exc

    @property
    def pkb_minimum_table(self) -> dict[int, int]:
        return parse_minimums(self.pkb_minimums)

    @model_validator(mode="after")
    def _refuse_derived_dev_secret(self) -> LspSettings:
        # The base check compares with the field default (empty); the dev value is derived.
        if self.mode == Mode.PRODUCTION:
            jwt = self.jwt_secret.get_secret_value()
            # HS256 wants at least 32 bytes of key (RFC 7518, section 3.2).
            if jwt.startswith("dev-lsp-jwt-") or len(jwt.encode()) < 32:
                raise DefaultSecretError("production mode refuses default or short secrets; set SKK_JWT_SECRET "
                                         "(32 bytes or more)")
        return self

    @property
    def bus_queue(self) -> str:
        return f"lsp.{self.lsp_code}"
