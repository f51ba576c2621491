"""The simulator's own parts, without a chain: synthetic identities, files, plans, log scan."""

from __future__ import annotations

import io
import itertools
import random
import struct
import zlib
from collections import Counter

import pytest
from pypdf import PdfReader
from stdnum.id import nik as stdnum_nik

from scripts.simulator.files import tiny_pdf, tiny_png
from scripts.simulator.journeys import Plan
from scripts.simulator.logscan import is_error_line
from scripts.simulator.mailbox import Mail, activation_token
from scripts.simulator.people import make_people
from scripts.simulator.run import make_plans, parse_mix
from shared.contracts.states import ApplicationStatus, can_transition
from shared.reference import get_reference
from shared.reference.identity import nik_errors, npwp_errors


def test_synthetic_people_have_niks_matching_birth_date_and_gender() -> None:
    people = make_people(60, seed=11, tag="u")
    ref = get_reference()
    assert len({p.email for p in people}) == 60
    assert {p.gender for p in people} == {"L", "P"}
    for p in people:
        assert nik_errors(p.nik, p.birth_date, p.gender) == []
        assert npwp_errors(p.npwp) == []
        assert stdnum_nik.get_birth_date(p.nik) == p.birth_date
        day = int(p.nik[6:8])
        assert (day > 40) == (p.gender == "P")
        assert p.nik[:4] == p.regency_code.replace(".", "")
        assert ref.regencies[p.regency_code]["province_code"] == p.province_code


def test_same_seed_same_people() -> None:
    assert make_people(5, seed=3, tag="x") == make_people(5, seed=3, tag="x")
    assert make_people(5, seed=3, tag="x") != make_people(5, seed=4, tag="x")


def test_files_are_valid_and_unique() -> None:
    a, b = tiny_pdf("ktp one"), tiny_pdf("ktp two")
    assert a != b and a.startswith(b"%PDF-")
    assert "ktp one" in PdfReader(io.BytesIO(a)).pages[0].extract_text()
    png1, png2 = tiny_png("x"), tiny_png("x")
    assert png1 != png2 and png1.startswith(b"\x89PNG\r\n\x1a\n")
    chunks, pos = {}, 8
    while pos < len(png1):
        (length,) = struct.unpack(">I", png1[pos:pos + 4])
        kind, data = png1[pos + 4:pos + 8], png1[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", png1[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + data) & 0xFFFFFFFF
        chunks[kind] = data
        pos += 12 + length
    assert struct.unpack(">II", chunks[b"IHDR"][:8]) == (8, 8)
    assert len(zlib.decompress(chunks[b"IDAT"])) == 8 * (1 + 8 * 3)


@pytest.mark.parametrize("plan", [
    Plan("LSP-A", "SI012001"),
    Plan("LSP-A", "SI012001", return_first=True),
    Plan("LSP-A", "SI012001", reject_payment_first=True),
    Plan("LSP-A", "SI012001", first_recommendation="BK", appeal="upheld"),
    Plan("LSP-A", "SI012001", first_recommendation="BK", appeal="rejected"),
    Plan("LSP-A", "SI012001", pay=False),
    Plan("LSP-A", "SI012001", return_first=True, reject_payment_first=True, first_recommendation="BK",
         appeal="upheld"),
])
def test_planned_timelines_follow_the_state_machine(plan: Plan) -> None:
    steps = [ApplicationStatus(s) for s in plan.expected_statuses()]
    assert can_transition(ApplicationStatus.DRAFT, steps[0])
    for a, b in itertools.pairwise(steps):
        assert can_transition(a, b), f"{a} -> {b}"
    assert steps[-1].value == plan.expected_final


def test_plans_follow_the_mix_and_the_licences() -> None:
    ref = get_reference()
    plans = make_plans(200, random.Random(5), parse_mix("happy=6,returned=1,appeal_upheld=1,appeal_rejected=2"),
                       ["LSP-A", "LSP-B"])
    counts = Counter(p.scenario for p in plans)
    assert counts == {"happy": 120, "returned": 20, "appeal_upheld": 20, "appeal_rejected": 40}
    for p in plans:
        assert ref.lsp_licensed_for(p.lsp_code, p.jabatan_kerja_code)
    with pytest.raises(ValueError):
        parse_mix("happy,teleported=1")


def test_activation_token_is_read_from_the_link() -> None:
    mail = Mail(to=("a@example.com",), subject="Aktivasi",
                body="Buka http://127.0.0.1:8000/activate?token=abc-DEF_1%7E2 dalam 24 jam", received_at=0)
    assert activation_token(mail) == "abc-DEF_1~2"
    with pytest.raises(AssertionError):
        activation_token(Mail(to=(), subject="x", body="no link", received_at=0))


@pytest.mark.parametrize(("line", "error"), [
    ('{"event": "x", "level": "error"}', True),
    ('{"event": "x", "level": "info"}', False),
    ('{"event": "x", "level": "warning"}', False),
    ("2026-01-01 10:00:00,000 ERROR uvicorn.error Exception in ASGI application", True),
    ("2026-01-01 10:00:00,000 INFO uvicorn.error Started server process", False),
    ("Traceback (most recent call last):", True),
    ("2026-01-01T10:00:00Z [error    ] boom", True),
])
def test_log_scan(line: str, error: bool) -> None:
    assert is_error_line(line) is error
