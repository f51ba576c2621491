from __future__ import annotations

import itertools
import re
import secrets

from services.lpjk_mock.domain import numbers

SHAPE = re.compile(r"^LPJK-2026(-[0-9A-HJKMNP-TV-Z]{4}){3}$")


def test_numbers_are_random_not_a_sequence() -> None:
    drawn = [numbers.recording_number(2026, secrets.token_bytes(numbers.ENTROPY_BYTES)) for _ in range(500)]
    assert all(SHAPE.match(n) for n in drawn)
    assert len(set(drawn)) == 500
    # Numbers drawn one after another carry no order (a sequence would rise every time).
    serials = [n.replace("-", "")[8:-1] for n in drawn]
    assert sum(a < b for a, b in itertools.pairwise(serials)) < 400


def test_every_drawn_number_reads_back_as_itself() -> None:
    for _ in range(200):
        n = numbers.recording_number(2026, secrets.token_bytes(numbers.ENTROPY_BYTES))
        assert numbers.canonical(n) == n
        # Typed carelessly: lower case, no hyphens, spaces, O for 0 and l for 1.
        sloppy = n.lower().replace("-", " ")
        assert numbers.canonical(sloppy) == n


def test_look_alike_letters_read_as_digits() -> None:
    n = numbers.recording_number(2026, bytes(7))  # all zeros: "LPJK-2026-0000-0000-000C"
    typed = "LPJK-2026-OOOO-0000-OOO" + n[-1]
    assert numbers.canonical(typed) == n


def test_a_mistyped_or_guessed_number_fails_its_check_symbol() -> None:
    n = numbers.recording_number(2026, secrets.token_bytes(numbers.ENTROPY_BYTES))
    body = n.replace("-", "")[8:]  # the 12 symbols after the year
    caught = 0
    for i in range(len(body)):
        for ch in numbers.ALPHABET:
            if ch == body[i]:
                continue
            changed = body[:i] + ch + body[i + 1:]
            wrong = f"LPJK-2026-{changed[:4]}-{changed[4:8]}-{changed[8:]}"
            assert numbers.canonical(wrong) is None, wrong
            caught += 1
    assert caught == 12 * 31
    other_year = n.replace("LPJK-2026", "LPJK-2027")
    assert numbers.canonical(other_year) is None


def test_shapes_that_cannot_be_numbers() -> None:
    for text in ("", "LPJK", "LPJK-2026", "LPJK-2026-ABCD-EFGH-JKM", "XPJK-2026-0000-0000-0000",
                 "LPJK-2026-UUUU-UUUU-UUUU", "../etc/passwd", "LPJK-2026-0000-0000-0000-0000"):
        assert numbers.canonical(text) is None, text


def test_numbers_of_the_old_sequence_stay_verifiable() -> None:
    assert numbers.canonical("LPJK-2026-00000042") == "LPJK-2026-00000042"
    assert numbers.canonical("lpjk-2026-00000042") == "LPJK-2026-00000042"
