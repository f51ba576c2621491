"""Settings of the portal service (environment variables ``SKK_*``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr, field_validator

from services.portal.domain.expiry import parse_thresholds
from services.portal.domain.renewal import DEFAULT_PKB_MINIMUMS, parse_pkb_minimums
from shared.operators import OperatorSettings

# Published in this repository, so production mode refuses it (see ``secret_fields``).
DEV_JWT_SECRET = "dev-portal-jwt-secret-change-me-0000"
DEV_NIK_BINDING_SECRET = "dev-portal-nik-binding-secret-change-me-0000"


class PortalSettings(OperatorSettings):
    secret_fields: ClassVar[tuple[str, ...]] = (
        *OperatorSettings.secret_fields, "jwt_secret", "nik_binding_secret",
    )
    blind_index_required: ClassVar[bool] = True  # names the encrypted document files

    service_name: str = "portal"
    port: int = 8000
    database_url: str = "sqlite+aiosqlite:///var/portal.db"

    # Applicants' bearer tokens (HS256).
    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    access_token_ttl_seconds: int = 900
    # How long a request may rely on an earlier read of the token's user (still activated, and
    # its token version: logout and password changes end sessions); shared/account_cache.py.
    # 0 reads the user on every request. Within one process a revocation is seen at once; a
    # token newer than the read (a login after a reset in another replica) is read afresh.
    user_recheck_seconds: float = 5
    activation_ttl_seconds: int = 86400
    # Emailed links (activation, password reset) usable at once per account: a repeated request
    # sends a new one and voids only the oldest beyond this, never the link the owner just got.
    account_links_alive: int = 3
    password_reset_ttl_seconds: int = 3600
    # Where the portal is reached from outside: the activation link and DocumentRef.url use it.
    public_url: str = "http://127.0.0.1:8000"

    max_upload_bytes: int = 5 * 1024 * 1024
    # What one account may keep (services/portal/usecases/documents.py): uploads and their bytes.
    max_documents_per_account: int = 100
    max_document_bytes_per_account: int = 200 * 1024 * 1024
    document_dir: str = "var/documents/portal"
    # Where mail goes when no SMTP server is configured (one .eml per message).
    mail_dir: str = "var/mail"

    # Keys the HMAC-SHA256 under which a NIK's binding to one account is stored (never the NIK).
    nik_binding_secret: SecretStr = SecretStr(DEV_NIK_BINDING_SECRET)

    # Throttles (`limits` strings, tiers separated by ';': each tier is a longer wait). Failed
    # logins count per (email, client address) and per client address, never per email alone:
    # an attacker slows their own guesses but cannot lock the owner out from elsewhere.
    login_failures_per_account_client: str = "5/minute;10/15minutes;20/hour"
    login_failures_per_client: str = "30/minute;200/hour"
    # Account emails (activation, resend, password reset, notices): past the per-address limit a
    # request answers the same and sends nothing; past the per-client limit it is refused (429).
    account_emails_per_address: str = "3/hour"
    account_emails_per_client: str = "20/hour;100/day"

    # Retention (docs/RETENTION.md; UU 27/2022: kept no longer than needed). The job runs every
    # ``retention_interval_seconds``; 0 disables it.
    retention_interval_seconds: float = 3600
    # Used or expired activation and reset links, kept this long for "already used" answers.
    used_link_retention_days: int = 7
    # Accounts never activated (no password set), with their links.
    unactivated_account_retention_days: int = 30
    # Drafts not touched for this long, with the documents only they name, and uploads that no
    # application names.
    abandoned_draft_retention_days: int = 180

    # Deadlines the portal checks before calling SIKI (SIKI's own check is authoritative): a Belum
    # Kompeten decision may be appealed for this many Indonesian working days (the same variable
    # as SIKI's); collective leave (cuti bersama) counts as a holiday unless false.
    appeal_window_working_days: int = Field(5, ge=0)
    count_collective_leave: bool = True

    # Expiry reminders (usecases/reminders.py): the holder is emailed this many days before the
    # SKK's validity ends, each threshold once ("90,30": 90 and 30 days). The sweep runs every
    # ``expiry_reminder_interval_seconds`` (each pass is idempotent); 0 disables it.
    expiry_reminder_days: str = "90,30"
    expiry_reminder_interval_seconds: float = Field(3600, ge=0)

    # Renewal (perpanjangan) by an Ahli: the PKB (SKPK) credits each jenjang must declare
    # ("7:100,8:150,9:200"; domain/renewal.py). A jenjang not named needs none.
    pkb_minimums: str = DEFAULT_PKB_MINIMUMS

    @field_validator("pkb_minimums")
    @classmethod
    def _pkb_minimums(cls, value: str) -> str:
        parse_pkb_minimums(value)  # a ValueError names what is wrong, at start-up
        return value

    @field_validator("expiry_reminder_days")
    @classmethod
    def _thresholds(cls, value: str) -> str:
        parse_thresholds(value)  # a ValueError names what is wrong, at start-up
        return value
