"""Envelope encryption, blind indexes, the encrypted column types, the sealing of rows written
before encryption, and the settings that carry the keys."""

from __future__ import annotations

import base64
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.crypto import (
    BLOB_MAGIC,
    TEXT_PREFIX,
    BlindIndex,
    DataKeys,
    DecryptionError,
    EncryptedBytes,
    EncryptedJSON,
    EncryptedText,
    MissingDataKeys,
    attach_data_keys,
)
from shared.database import create_engine
from shared.devdefaults import dev_blind_index_key, dev_data_key
from shared.sealing import SealedColumn, seal_legacy_rows, seal_rows, sealed_columns, unseal_rows
from shared.servicekeys import new_private_key_pem
from shared.settings import ServiceSettings

NIK = "3171011708900001"
K1, K2 = os.urandom(32), os.urandom(32)


def keys(active: str = "k1", blind: bytes = b"b" * 40, **extra: bytes) -> DataKeys:
    return DataKeys({"k1": K1, **extra}, active, blind)


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


# --- DataKeys ---------------------------------------------------------------------------------


def test_round_trip_carries_version_and_kid_and_is_fresh_each_time() -> None:
    k = keys()
    a, b = k.encrypt(NIK, "applications.nik"), k.encrypt(NIK, "applications.nik")
    assert a.startswith(f"{TEXT_PREFIX}k1:") and NIK not in a
    assert a != b  # a fresh data key and nonce per value
    assert k.decrypt(a, "applications.nik") == k.decrypt(b, "applications.nik") == NIK
    blob = k.seal_bytes(b"%PDF-1.4 marker", "document:x")
    assert blob.startswith(BLOB_MAGIC) and b"marker" not in blob
    assert k.open_bytes(blob, "document:x") == b"%PDF-1.4 marker"


def test_rotation_old_kid_still_decrypts_and_reseal_moves_to_the_active_one() -> None:
    old = keys()
    sealed = old.encrypt(NIK, "c")
    rotated = keys(active="k2", k2=K2)
    assert rotated.decrypt(sealed, "c") == NIK
    assert not rotated.is_current(sealed)
    moved = rotated.reseal(sealed, "c")
    assert moved.startswith(f"{TEXT_PREFIX}k2:") and rotated.is_current(moved)
    assert rotated.decrypt(moved, "c") == NIK
    assert rotated.reseal(moved, "c") == moved  # current: unchanged
    # A keyring without the old kid cannot open the old value, and says which kid is missing.
    with pytest.raises(DecryptionError, match="'k1'"):
        DataKeys({"k2": K2}, "k2").decrypt(sealed, "c")
    assert rotated.open_bytes(old.seal_bytes(b"x", "d"), "d") == b"x"


def test_tampering_is_detected() -> None:
    k = keys()
    sealed = k.encrypt(NIK, "c")
    body = bytearray(base64.urlsafe_b64decode(sealed.rsplit(":", 1)[1] + "=="))
    body[-1] ^= 1
    tampered = sealed.rsplit(":", 1)[0] + ":" + base64.urlsafe_b64encode(bytes(body)).rstrip(b"=").decode()
    with pytest.raises(DecryptionError):
        k.decrypt(tampered, "c")
    blob = bytearray(k.seal_bytes(b"data", "d"))
    blob[len(blob) // 2] ^= 1
    with pytest.raises(DecryptionError):
        k.open_bytes(bytes(blob), "d")
    # Relabelled under another kid the keyring holds: the kid is bound too.
    with pytest.raises(DecryptionError):
        keys(k2=K1).decrypt(sealed.replace(":k1:", ":k2:"), "c")


def test_a_value_moved_to_another_column_does_not_open() -> None:
    k = keys()
    with pytest.raises(DecryptionError, match=r"skk_register\.nik"):
        k.decrypt(k.encrypt(NIK, "applications.nik"), "skk_register.nik")
    with pytest.raises(DecryptionError):
        k.open_bytes(k.seal_bytes(b"a", "document:" + "a" * 64), "document:" + "b" * 64)


def test_a_legacy_plaintext_reads_as_it_is() -> None:
    assert keys().decrypt(NIK, "c") == NIK
    assert keys().open_bytes(b"%PDF-1.4", "d") == b"%PDF-1.4"


def test_blind_index_is_stable_normalised_and_keyed() -> None:
    k = keys()
    index = k.blind_index(NIK, "nik")
    assert len(index) == 64 and NIK not in index
    assert k.blind_index(NIK, "nik") == index
    assert k.blind_index("3171-0117-0890-0001", "nik") == index == k.blind_index(" 3171 0117 0890 0001", "nik")
    assert k.blind_index("3171011708900002", "nik") != index
    assert keys(blind=b"c" * 40).blind_index(NIK, "nik") != index  # another key, another index
    assert keys(active="k2", k2=K2).blind_index(NIK, "nik") == index  # data keys rotate, indexes stay
    assert k.blind_index(NIK, "document") != index  # one purpose's index is no other's
    with pytest.raises(MissingDataKeys):
        DataKeys({"k1": K1}, "k1").blind_index(NIK, "nik")


def test_keys_never_show_in_their_repr() -> None:
    k = keys()
    assert repr(k) == "DataKeys(kids=['k1'], active='k1')"
    assert K1.hex() not in repr(k)


def test_bad_keyrings_are_refused() -> None:
    with pytest.raises(ValueError, match="not 32 bytes"):
        DataKeys({"k1": b"short"}, "k1")
    with pytest.raises(ValueError, match="active"):
        DataKeys({"k1": K1}, "k9")
    with pytest.raises(ValueError, match="key id"):
        DataKeys({"k:1": K1}, "k:1")


# --- column types on an engine ----------------------------------------------------------------

META = MetaData()
PEOPLE = Table(
    "people", META,
    Column("id", Integer, primary_key=True),
    Column("nik", EncryptedText("people.nik")),
    Column("nik_index", BlindIndex("nik", source="nik"), index=True),
    Column("note", EncryptedText("people.note")),
    Column("sections", EncryptedJSON("people.sections")),
    Column("pdf", EncryptedBytes("people.pdf")),
    Column("plain", String(20)),
)


async def engine_with(tmp_path: Path, k: DataKeys | None, name: str = "t.db") -> AsyncEngine:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/{name}")
    if k is not None:
        attach_data_keys(engine, k)
    async with engine.begin() as conn:
        await conn.run_sync(META.create_all)
    return engine


def raw_rows(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT nik, nik_index, note, sections, pdf FROM people ORDER BY id").fetchall()


async def test_columns_store_sealed_values_and_read_plain_ones(tmp_path: Path) -> None:
    k = keys()
    engine = await engine_with(tmp_path, k)
    try:
        async with engine.begin() as conn:
            await conn.execute(insert(PEOPLE).values(id=1, nik=NIK, nik_index=NIK, note="npwp 012345678012000",
                                                     sections={"personal": {"nik": NIK}}, pdf=b"%PDF-1.4 x"))
        async with engine.connect() as conn:
            row = (await conn.execute(select(PEOPLE).where(PEOPLE.c.nik_index == "3171-0117-0890-0001"))).one()
        assert (row.nik, row.note, row.sections, row.pdf) == (NIK, "npwp 012345678012000",
                                                              {"personal": {"nik": NIK}}, b"%PDF-1.4 x")
        assert row.nik_index == k.blind_index(NIK, "nik")
        stored = raw_rows(tmp_path / "t.db")[0]
        assert NIK not in repr(stored) and "012345678012000" not in repr(stored) and b"PDF" not in stored[4]
    finally:
        await engine.dispose()


async def test_two_engines_in_one_process_use_their_own_keys(tmp_path: Path) -> None:
    a, b = await engine_with(tmp_path, keys(), "a.db"), await engine_with(tmp_path, DataKeys({"k1": K2}, "k1",
                                                                                          b"x" * 40), "b.db")
    try:
        for engine in (a, b):
            async with engine.begin() as conn:
                await conn.execute(insert(PEOPLE).values(id=1, nik=NIK, nik_index=NIK))
        with sqlite3.connect(tmp_path / "a.db") as db_a, sqlite3.connect(tmp_path / "b.db") as db_b:
            sealed_a = db_a.execute("SELECT nik, nik_index FROM people").fetchone()
            sealed_b = db_b.execute("SELECT nik, nik_index FROM people").fetchone()
        assert sealed_a[1] != sealed_b[1]
        # B's value does not open with A's keys.
        with pytest.raises(DecryptionError):
            keys().decrypt(sealed_b[0], "people.nik")
        for engine in (a, b):
            async with engine.connect() as conn:
                assert (await conn.execute(select(PEOPLE.c.nik))).scalar_one() == NIK
    finally:
        await a.dispose()
        await b.dispose()


async def test_an_engine_without_keys_refuses_to_store_in_clear(tmp_path: Path) -> None:
    engine = await engine_with(tmp_path, None)
    try:
        with pytest.raises(Exception) as caught:
            async with engine.begin() as conn:
                await conn.execute(insert(PEOPLE).values(id=1, nik=NIK))
        assert isinstance(caught.value, MissingDataKeys) or isinstance(caught.value.__cause__, MissingDataKeys)
    finally:
        await engine.dispose()


async def test_sealing_encrypts_legacy_rows_once_and_rotation_rewrites_old_kids(tmp_path: Path) -> None:
    engine = await engine_with(tmp_path, None)
    legacy = [(1, NIK, None, "secret-note", '{"personal": {"npwp": "012345678012000"}}', b"%PDF-1.4 legacy"),
              (2, "3171011708900002", None, None, "{}", None)]
    async with engine.begin() as conn:
        for row in legacy:
            await conn.execute(text("INSERT INTO people (id, nik, nik_index, note, sections, pdf) "
                                    "VALUES (:i, :n, :x, :o, :s, :p)"),
                               dict(zip("inxosp", row, strict=True)))
    k = keys()
    attach_data_keys(engine, k)
    try:
        assert await seal_legacy_rows(engine, META) >= 2
        stored = raw_rows(tmp_path / "t.db")
        assert NIK not in repr(stored) and "secret-note" not in repr(stored) and "012345678012000" not in repr(stored)
        assert b"legacy" not in stored[0][4]
        assert stored[0][1] == k.blind_index(NIK, "nik")
        assert await seal_legacy_rows(engine, META) == 0  # nothing left in clear
        async with engine.connect() as conn:
            row = (await conn.execute(select(PEOPLE).where(PEOPLE.c.nik_index == NIK))).one()
        assert (row.id, row.note, row.pdf) == (1, "secret-note", b"%PDF-1.4 legacy")
        assert row.sections == {"personal": {"npwp": "012345678012000"}}
        # Rotation: a new active kid; old values still read, then are rewritten under it.
        rotated = keys(active="k2", k2=K2)
        attach_data_keys(engine, rotated)
        assert await seal_legacy_rows(engine, META, rotate=True) >= 2
        assert all(v is None or v.startswith(f"{TEXT_PREFIX}k2:") for r in raw_rows(tmp_path / "t.db")
                   for v in (r[0], r[2], r[3]))
        attach_data_keys(engine, DataKeys({"k2": K2}, "k2", k.blind_key))  # k1 retired
        async with engine.connect() as conn:
            assert (await conn.execute(select(PEOPLE.c.pdf).where(PEOPLE.c.id == 1))).scalar_one() == b"%PDF-1.4 legacy"
        # And back into clear (a downgrade).
        async with engine.begin() as conn:
            await conn.run_sync(lambda c: unseal_rows(c, sealed_columns(META)))
        assert raw_rows(tmp_path / "t.db")[0][0] == NIK
    finally:
        await engine.dispose()


async def test_without_keys_the_sealing_is_deferred(tmp_path: Path) -> None:
    engine = await engine_with(tmp_path, None)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO people (id, nik) VALUES (1, :n)"), {"n": NIK})
            spec = SealedColumn("people", ("id",), "nik", index="nik_index")
            assert await conn.run_sync(lambda c: seal_rows(c, [spec])) == 0
        assert raw_rows(tmp_path / "t.db")[0][0] == NIK
    finally:
        await engine.dispose()


def test_sealed_columns_come_from_the_types() -> None:
    found = {c.column: c for c in sealed_columns(META)}
    assert set(found) == {"nik", "note", "sections", "pdf"}
    assert found["nik"].index == "nik_index" and found["note"].index is None
    assert found["pdf"].kind == "bytes" and found["sections"].ad == "people.sections"


# --- settings ---------------------------------------------------------------------------------

PROD: dict[str, Any] = {"mode": "production", "service_name": "siki", "service_signing_key_pem": new_private_key_pem()}


def production_refusal(**over: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        ServiceSettings(**{**PROD, **over})
    return str(caught.value)


def test_dev_mode_derives_keys_per_service() -> None:
    a, b = ServiceSettings(service_name="portal"), ServiceSettings(service_name="siki")
    ka, kb = DataKeys.from_settings(a), DataKeys.from_settings(b)
    assert ka.keys == {"dev": dev_data_key("portal")} and kb.keys == {"dev": dev_data_key("siki")}
    assert ka.blind_key == dev_blind_index_key("portal").encode() != kb.blind_key


def test_settings_read_keys_from_json_and_pick_the_active_kid() -> None:
    s = ServiceSettings(data_keys={"2026-01": b64(K1), "2026-06": b64(K2)}, data_key_id="2026-06",
                        blind_index_key="x" * 40)
    k = DataKeys.from_settings(s)
    assert k.keys == {"2026-01": K1, "2026-06": K2} and k.active == "2026-06"
    assert K1.hex() not in repr(s) and b64(K1) not in repr(s) and b64(K1) not in str(s.model_dump())
    with pytest.raises(ValidationError, match="SKK_DATA_KEY_ID"):
        ServiceSettings(data_keys={"a": b64(K1), "b": b64(K2)})
    with pytest.raises(ValidationError, match="names no entry"):
        ServiceSettings(data_keys={"a": b64(K1)}, data_key_id="b")
    message = production_refusal(data_keys={"a": b64(b"k" * 16)})
    assert "not 32 bytes" in message and b64(b"k" * 16) not in message


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKK_DATA_KEYS", f'{{"k1": "{b64(K1)}"}}')
    monkeypatch.setenv("SKK_DATA_KEY_ID", "k1")
    assert DataKeys.from_settings(ServiceSettings()).keys == {"k1": K1}


def test_production_refuses_missing_dev_and_weak_keys() -> None:
    assert "SKK_DATA_KEYS (unset)" in production_refusal()
    dev = production_refusal(data_keys={"dev": b64(dev_data_key("siki"))})
    assert "'dev' (the published dev value)" in dev
    # Another party's dev key is as public as this one's.
    assert "dev value" in production_refusal(data_keys={"k": b64(dev_data_key("portal"))})
    weak = production_refusal(data_keys={"k": b64(b"\x00" * 32)})
    assert "not random" in weak
    blind = production_refusal(data_keys={"k": b64(K1)}, blind_index_key=dev_blind_index_key("siki"))
    assert "SKK_BLIND_INDEX_KEY (the published dev value)" in blind
    assert "SKK_BLIND_INDEX_KEY (too weak" in production_refusal(data_keys={"k": b64(K1)}, blind_index_key="aaaa")
    for message in (dev, weak, blind):
        assert b64(dev_data_key("siki")) not in message and dev_blind_index_key("siki") not in message


def test_production_requires_a_blind_index_key_where_the_service_uses_one() -> None:
    class Indexing(ServiceSettings):
        blind_index_required = True

    with pytest.raises(ValidationError, match=r"SKK_BLIND_INDEX_KEY \(unset\)"):
        Indexing(**PROD, data_keys={"k": b64(K1)})
    accepted = ServiceSettings(**PROD, data_keys={"k": b64(K1)}, blind_index_key=b64(os.urandom(32)))
    assert DataKeys.from_settings(accepted).active == "k"
