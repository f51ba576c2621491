"""Personal data at rest: envelope encryption, blind indexes and the column types that apply them.

Each value (a NIK, a submission's sections, a webhook secret, an uploaded file) gets a fresh
256-bit data key; the value is sealed with it (AES-256-GCM) and the data key is wrapped (AES key
wrap, RFC 3394) by the service's active key-encryption key. The sealed form carries a version
marker and the key id (``kid``) of the key that wrapped it, so keys rotate: a new active kid
encrypts from then on, the older kids still decrypt, and :meth:`DataKeys.reseal` (or
``shared.sealing.seal_rows(..., rotate=True)``) rewrites old values under the active one. The
associated data names where a value belongs (``applications.nik``): a ciphertext copied into
another column or table does not open.

A blind index (HMAC-SHA256 under a key of its own, of the value normalised: a NIK's digits) lets
a service look rows up and keep them unique without storing the value.

Where the keys live: each service attaches its own :class:`DataKeys` to its engine
(:func:`attach_data_keys`, at start-up), and the column types read them from the ``dialect``
SQLAlchemy passes to every bind and result processor. Several services sharing one process
(the tests, the embedded chain) thus each use their own keys, no key is a module global, and
the repositories bind and read plain values, whatever path they take (ORM, Core, a plain
connection, an Alembic migration run on the service's engine).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap
from sqlalchemy import LargeBinary, String, Text
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.types import TypeDecorator

if TYPE_CHECKING:
    from shared.settings import ServiceSettings

VERSION = "v1"
# A sealed text value: ``enc:v1:<kid>:<base64url of wrapped key | nonce | ciphertext+tag>``.
TEXT_PREFIX = f"enc:{VERSION}:"
# A sealed blob (a file, a binary column): MAGIC, one byte of kid length, the kid, then the same body.
BLOB_MAGIC = b"SKKENC\x01"
KEY_BYTES = 32
KID_PATTERN = re.compile(r"^[A-Za-z0-9-]{1,32}$")  # no ':' (the text separator) and no LIKE wildcard
_WRAPPED_BYTES = KEY_BYTES + 8
_NONCE_BYTES = 12
_TAG_BYTES = 16
# Row values already blind-indexed by a migration that had no keys to hand (see shared/sealing.py).
LEGACY_INDEX_PREFIX = "legacy:"
MIN_DISTINCT_KEY_BYTES = 16


class DecryptionError(ValueError):
    """A sealed value that does not open: tampered with, moved from another column, or sealed
    under a key id this keyring does not hold. The message never contains the value."""


class MissingDataKeys(RuntimeError):
    """An encrypted column was used on an engine no :class:`DataKeys` were attached to."""


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


# How each blind index normalises its value before keying it: a NIK with or without separators
# ("3171-0117-0890-0001") indexes as its sixteen digits.
NORMALISERS: dict[str, Callable[[str], str]] = {"nik": _digits, "npwp": _digits}


def key_weakness(key: bytes) -> str | None:
    """Why ``key`` cannot be a key-encryption key (None: it can). Never mentions the key."""
    if len(key) != KEY_BYTES:
        return f"not {KEY_BYTES} bytes"
    if len(set(key)) < MIN_DISTINCT_KEY_BYTES:
        return "not random (too few distinct bytes)"
    return None


def decode_key(text: str) -> bytes:
    """A key written as base64 (standard or URL-safe, padded or not)."""
    raw = text.strip()
    padded = raw + "=" * (-len(raw) % 4)
    try:
        return base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not base64") from None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _aad(kid: str, context: str) -> bytes:
    return f"skk-data/{VERSION}/{kid}/{context}".encode()


@dataclass(frozen=True, repr=False)
class DataKeys:
    """One service's keys: key-encryption keys by kid, the active kid, the blind-index key."""

    keys: Mapping[str, bytes]
    active: str
    blind_key: bytes = field(default=b"")

    def __post_init__(self) -> None:
        for kid, key in self.keys.items():
            if not KID_PATTERN.match(kid):
                raise ValueError(f"data key id {kid!r} must match {KID_PATTERN.pattern}")
            if len(key) != KEY_BYTES:
                raise ValueError(f"data key {kid!r} is not {KEY_BYTES} bytes")
        if self.active not in self.keys:
            raise ValueError(f"the active data key id {self.active!r} is not among the keys")

    def __repr__(self) -> str:  # never the key material
        return f"DataKeys(kids={sorted(self.keys)!r}, active={self.active!r})"

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> DataKeys:
        keys, active, blind = settings.data_keyring()
        return cls(keys, active, blind)

    # --- sealing ------------------------------------------------------------------------------

    def _seal(self, plaintext: bytes, context: str) -> bytes:
        dek = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(_NONCE_BYTES)
        sealed = AESGCM(dek).encrypt(nonce, plaintext, _aad(self.active, context))
        return aes_key_wrap(self.keys[self.active], dek) + nonce + sealed

    def _open(self, kid: str, body: bytes, context: str) -> bytes:
        kek = self.keys.get(kid)
        if kek is None:
            raise DecryptionError(f"sealed under data key id {kid!r}, which this service does not hold")
        if len(body) < _WRAPPED_BYTES + _NONCE_BYTES + _TAG_BYTES:
            raise DecryptionError("sealed value too short")
        wrapped, nonce, sealed = (body[:_WRAPPED_BYTES], body[_WRAPPED_BYTES:_WRAPPED_BYTES + _NONCE_BYTES],
                                  body[_WRAPPED_BYTES + _NONCE_BYTES:])
        try:
            dek = aes_key_unwrap(kek, wrapped)
            return AESGCM(dek).decrypt(nonce, sealed, _aad(kid, context))
        except (InvalidUnwrap, InvalidTag):
            raise DecryptionError(f"sealed value does not open as {context!r} (altered, or moved)") from None

    def encrypt(self, value: str, context: str) -> str:
        """``value`` sealed as text, bound to ``context`` (e.g. ``"applications.nik"``)."""
        return f"{TEXT_PREFIX}{self.active}:{_b64(self._seal(value.encode(), context))}"

    def decrypt(self, value: str, context: str) -> str:
        """The plaintext of a sealed text value; a value never sealed (written before encryption
        came) is returned as it is."""
        if not is_sealed_text(value):
            return value
        kid, _, body = value[len(TEXT_PREFIX):].partition(":")
        try:
            raw = _unb64(body)
        except (binascii.Error, ValueError):
            raise DecryptionError("sealed value is not base64") from None
        return self._open(kid, raw, context).decode()

    def seal_bytes(self, data: bytes, context: str) -> bytes:
        kid = self.active.encode()
        return BLOB_MAGIC + bytes([len(kid)]) + kid + self._seal(data, context)

    def open_bytes(self, blob: bytes, context: str) -> bytes:
        """The plaintext of a sealed blob; a blob never sealed is returned as it is."""
        if not blob.startswith(BLOB_MAGIC):
            return blob
        at = len(BLOB_MAGIC)
        if len(blob) <= at:
            raise DecryptionError("sealed value too short")
        size = blob[at]
        kid = blob[at + 1:at + 1 + size].decode("ascii", errors="replace")
        return self._open(kid, blob[at + 1 + size:], context)

    def is_current(self, value: str | bytes) -> bool:
        """Whether ``value`` is sealed under the active kid (no re-encryption needed)."""
        if isinstance(value, bytes):
            return value.startswith(blob_prefix(self.active))
        return value.startswith(text_prefix(self.active))

    def reseal(self, value: str, context: str) -> str:
        """``value`` sealed under the active kid: a legacy plaintext or an older kid's value
        re-encrypted, a current one unchanged."""
        return value if self.is_current(value) else self.encrypt(self.decrypt(value, context), context)

    # --- blind index --------------------------------------------------------------------------

    def blind_index(self, value: str, purpose: str) -> str:
        """HMAC-SHA256 (hex) of ``value`` normalised for ``purpose`` (``"nik"``: digits only),
        under the blind-index key: equal values index equally, and nobody without the key can
        test a guess against the index."""
        if not self.blind_key:
            raise MissingDataKeys("this service has no blind-index key")
        normalised = NORMALISERS.get(purpose, str.strip)(value)
        message = purpose.encode() + b"\x00" + normalised.encode()
        return hmac.new(self.blind_key, message, hashlib.sha256).hexdigest()


def is_sealed_text(value: str) -> bool:
    return value.startswith(TEXT_PREFIX)


def text_prefix(kid: str) -> str:
    return f"{TEXT_PREFIX}{kid}:"


def blob_prefix(kid: str) -> bytes:
    return BLOB_MAGIC + bytes([len(kid)]) + kid.encode()


# --- the keys of an engine ----------------------------------------------------------------------

# Keyed by the engine's dialect object: every connection of an engine shares it, and each engine
# has its own (a second service's engine in the same process carries its own keys).
_ATTACHED: weakref.WeakKeyDictionary[Dialect, DataKeys] = weakref.WeakKeyDictionary()


def attach_data_keys(engine: AsyncEngine | Engine, keys: DataKeys) -> None:
    """Make ``keys`` the ones the encrypted column types use on ``engine``."""
    sync = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
    _ATTACHED[sync.dialect] = keys


def data_keys_of(dialect: Dialect) -> DataKeys:
    keys = _ATTACHED.get(dialect)
    if keys is None:
        raise MissingDataKeys("no data keys attached to this engine (shared.crypto.attach_data_keys)")
    return keys


def attached_data_keys(dialect: Dialect) -> DataKeys | None:
    return _ATTACHED.get(dialect)


# --- column types -------------------------------------------------------------------------------


class EncryptedText(TypeDecorator[str]):
    """A text column stored sealed; ``context`` (``"<table>.<column>"``) is its associated data.
    Reads a value stored before encryption as it is."""

    impl = Text
    cache_ok = True

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else data_keys_of(dialect).encrypt(value, self.context)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None or not is_sealed_text(value):
            return value  # type: ignore[no-any-return]
        return data_keys_of(dialect).decrypt(value, self.context)


class EncryptedJSON(TypeDecorator[Any]):
    """A JSON document stored sealed (as text). Reads a document stored before encryption
    (plain JSON text) as it is."""

    impl = Text
    cache_ok = True

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return data_keys_of(dialect).encrypt(text, self.context)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, str):  # a driver that parsed a legacy JSON column itself
            return value
        if is_sealed_text(value):
            value = data_keys_of(dialect).decrypt(value, self.context)
        return json.loads(value)


class EncryptedBytes(TypeDecorator[bytes]):
    """A binary column stored sealed. Reads bytes stored before encryption as they are."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context

    def process_bind_param(self, value: bytes | None, dialect: Dialect) -> bytes | None:
        return None if value is None else data_keys_of(dialect).seal_bytes(bytes(value), self.context)

    def process_result_value(self, value: Any, dialect: Dialect) -> bytes | None:
        if value is None:
            return None
        raw = bytes(value)
        return data_keys_of(dialect).open_bytes(raw, self.context) if raw.startswith(BLOB_MAGIC) else raw


class BlindIndex(TypeDecorator[str]):
    """The blind index of the plaintext in column ``source`` (HMAC-SHA256 hex under the
    service's blind-index key). Bind the plain value, in an insert as in a comparison
    (``Application.nik_index == bindparam("nik")``): the database only ever sees its index."""

    impl = String(64)
    cache_ok = True

    def __init__(self, purpose: str, source: str) -> None:
        super().__init__()
        self.purpose = purpose
        self.source = source

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else data_keys_of(dialect).blind_index(value, self.purpose)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return value  # type: ignore[no-any-return]


def index_of(source: str) -> Callable[[Any], Any]:
    """A column default for a :class:`BlindIndex` column: the plain value the same INSERT gives
    ``source``, which the column's type then keys. An insert cannot leave the index out."""

    def default(context: Any) -> Any:
        return context.get_current_parameters().get(source)

    return default
