"""Settings of the portal service (environment variables ``SKK_*``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import SecretStr

from shared.settings import ServiceSettings

# Published in this repository, so production mode refuses it (see ``secret_fields``).
DEV_JWT_SECRET = "dev-portal-jwt-secret-change-me-0000"
DEV_OPERATOR_TOKEN = "dev-portal-operator-token-change-me"
DEV_NIK_BINDING_SECRET = "dev-portal-nik-binding-secret-change-me-0000"


class PortalSettings(ServiceSettings):
    secret_fields: ClassVar[tuple[str, ...]] = (
        *ServiceSettings.secret_fields, "jwt_secret", "operator_token", "nik_binding_secret",
    )

    service_name: str = "portal"
    port: int = 8000
    database_url: str = "sqlite+aiosqlite:///var/portal.db"

    # Applicants' bearer tokens (HS256).
    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    access_token_ttl_seconds: int = 900
    # How long a request may rely on an earlier read that the token's user exists and is
    # activated (api/deps.py ConfirmedUsers); 0 reads the user on every request.
    user_recheck_seconds: float = 30
    activation_ttl_seconds: int = 86400
    # Where the portal is reached from outside: the activation link and DocumentRef.url use it.
    public_url: str = "http://127.0.0.1:8000"

    max_upload_bytes: int = 5 * 1024 * 1024
    document_dir: str = "var/documents/portal"
    # Where mail goes when no SMTP server is configured (one .eml per message).
    mail_dir: str = "var/mail"

    # Portal operators (the NIK rebind after an identity check) call with ``Bearer <operator_token>``.
    operator_token: SecretStr = SecretStr(DEV_OPERATOR_TOKEN)
    # Keys the HMAC-SHA256 under which a NIK's binding to one account is stored (never the NIK).
    nik_binding_secret: SecretStr = SecretStr(DEV_NIK_BINDING_SECRET)

    # Failed logins per email within the window before the email is throttled.
    login_max_failures: int = 5
    login_window_seconds: int = 900
