"""Synthetic applicants: Faker's ``id_ID`` names and addresses, NIKs whose DDMMYY matches the
birth date (day + 40 for women) and whose region is a real Kemendagri regency, NPWPs that
``python-stdnum`` accepts."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from faker import Faker
from stdnum import luhn, numdb
from stdnum.id import nik as stdnum_nik
from stdnum.id import npwp as stdnum_npwp

from shared.reference import get_reference
from shared.reference.identity import nik_errors, npwp_errors


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    email: str
    phone: str
    nik: str
    npwp: str
    gender: str  # "L" / "P"
    birth_date: date
    birth_place: str
    address: str
    province_code: str
    regency_code: str
    postal_code: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@lru_cache(maxsize=1)
def _regencies() -> list[tuple[str, str]]:
    """(province_code, regency_code) of every regency whose NIK prefix stdnum knows."""
    ref = get_reference()
    loc = numdb.get("id/loc")
    out = []
    for code, item in sorted(ref.regencies.items()):
        if loc.info(code.replace(".", ""))[0][1]:
            out.append((str(item["province_code"]), code))
    return out


def make_nik(regency_code: str, birth_date: date, gender: str, rng: random.Random) -> str:
    day = birth_date.day + (40 if gender == "P" else 0)
    district = rng.randint(1, 30)
    serial = rng.randint(1, 9999)
    nik = f"{regency_code.replace('.', '')}{district:02d}{day:02d}{birth_date:%m%y}{serial:04d}"
    stdnum_nik.validate(nik)
    return nik


def make_npwp(rng: random.Random) -> str:
    """An old-style 15-digit NPWP: nine digits with a Luhn check digit, then the tax office."""
    body = f"{rng.randint(1, 99):02d}{rng.randint(0, 999999):06d}"
    first9 = body + luhn.calc_check_digit(body)
    npwp = first9 + f"{rng.randint(1, 999):03d}{rng.randint(0, 999):03d}"
    stdnum_npwp.validate(npwp)
    return npwp


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower()) or "x"


def make_person(fake: Faker, rng: random.Random, index: int, tag: str) -> Person:
    """Applicant ``index`` of a run ``tag`` (the tag keeps emails unique across runs)."""
    gender = rng.choice("LP")
    first = fake.first_name_male() if gender == "L" else fake.first_name_female()
    last = fake.last_name()
    # Old enough for an Ahli with years of experience, young enough to be working.
    birth_date = date(1965, 1, 1) + timedelta(days=rng.randint(0, 365 * 30))
    province_code, regency_code = rng.choice(_regencies())
    nik = make_nik(regency_code, birth_date, gender, rng)
    npwp = nik if rng.random() < 0.5 else make_npwp(rng)
    person = Person(
        first_name=first,
        last_name=last,
        email=f"{_slug(first)}.{_slug(last)}.{tag}{index}@example.com",
        phone=f"+628{rng.randint(10, 99)}{rng.randint(1000000, 9999999)}",
        nik=nik,
        npwp=npwp,
        gender=gender,
        birth_date=birth_date,
        birth_place=fake.city(),
        address=fake.street_address(),
        province_code=province_code,
        regency_code=regency_code,
        postal_code=f"{rng.randint(10000, 99999)}",
    )
    problems = nik_errors(person.nik, person.birth_date, person.gender) + npwp_errors(person.npwp)
    if problems:  # a bug here, not in the chain: stop before blaming the services
        raise AssertionError(f"generated an invalid identity: {problems}")
    return person


def make_people(n: int, *, seed: int, tag: str) -> list[Person]:
    fake = Faker("id_ID")
    fake.seed_instance(seed)
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    return [make_person(fake, rng, i, tag) for i in range(n)]
