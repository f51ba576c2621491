"""Dev-mode credentials that two services must agree on out of the box (SIKI seeds the two
dev LSPs with them; each LSP instance uses its own). Production mode refuses every one."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

DEV_LSPS: dict[str, dict[str, str | int]] = {
    "LSP-A": {"name": "LSP Konstruksi A (dev)", "port": 8002},
    "LSP-B": {"name": "LSP Konstruksi B (dev)", "port": 8012},
}


# Every dev api key starts so; production refuses any key that does, whatever its LSP code.
DEV_API_KEY_PREFIX = "skk_dev_"


def _derive(label: str) -> bytes:
    return hashlib.sha256(f"skk-dev-only:{label}".encode()).digest()


def dev_webhook_secret(lsp_code: str) -> str:
    """A Standard Webhooks secret (``whsec_`` + base64 of 32 bytes)."""
    return "whsec_" + base64.b64encode(_derive(f"webhook:{lsp_code}")).decode()


def dev_api_key(lsp_code: str) -> str:
    return DEV_API_KEY_PREFIX + _derive(f"api:{lsp_code}").hex()[:40]


def dev_lsp_url(lsp_code: str) -> str:
    return f"http://127.0.0.1:{DEV_LSPS[lsp_code]['port']}"


# The parties that sign service tokens (docs/CONTRACTS.md "Service identity"), besides one
# ``lsp:<code>`` per LSP.
PARTIES = ("portal", "siki", "bnsp", "lpjk")


def dev_parties(*extra: str) -> list[str]:
    """Every party a dev-mode service trusts: the four institutions, each dev LSP, and ``extra``."""
    names = [*PARTIES, *(f"lsp:{code}" for code in DEV_LSPS), *extra]
    return list(dict.fromkeys(n for n in names if n))


def dev_service_key(party: str) -> Ed25519PrivateKey:
    """``party``'s dev-only service-token key, derivable by anyone: production refuses it."""
    return Ed25519PrivateKey.from_private_bytes(_derive(f"service-key:{party}"))


def dev_service_kid(party: str) -> str:
    return f"dev:{party}"


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def is_dev_service_key(key: Ed25519PublicKey, parties: Iterable[str]) -> bool:
    """Whether ``key`` is the dev service key of one of ``parties`` (with every known party)."""
    raw = _raw(key)
    return any(raw == _raw(dev_service_key(p).public_key()) for p in dev_parties(*parties))


def is_dev_credential(value: str, lsp_codes: Iterable[str] = ()) -> bool:
    """Whether ``value`` is a dev LSP credential: a dev api key of any LSP code (they all carry
    :data:`DEV_API_KEY_PREFIX`), or the dev webhook secret of a dev LSP or of ``lsp_codes``
    (the codes a process's settings name)."""
    if value.strip().startswith(DEV_API_KEY_PREFIX):
        return True
    codes = dict.fromkeys([*DEV_LSPS, *lsp_codes])
    return any(value.strip() in (dev_webhook_secret(c), dev_api_key(c)) for c in codes if c)


# Personal data at rest (shared/crypto.py): in dev mode each service encrypts under a key and
# keys its blind indexes with a secret derived from its service_name; production refuses both.
DEV_DATA_KEY_ID = "dev"


def dev_data_key(service_name: str) -> bytes:
    """``service_name``'s dev-only key-encryption key (32 bytes), derivable by anyone."""
    return _derive(f"data-key:{service_name}")


def dev_blind_index_key(service_name: str) -> str:
    return "dev-blind-index-" + _derive(f"blind-index:{service_name}").hex()


def is_dev_data_key(key: bytes, parties: Iterable[str]) -> bool:
    """Whether ``key`` is the dev data key of one of ``parties`` (with every known party)."""
    return any(key == dev_data_key(p) for p in dev_parties(*parties))


def is_dev_blind_index_key(value: str, parties: Iterable[str]) -> bool:
    return any(value.strip() == dev_blind_index_key(p) for p in dev_parties(*parties))
