"""Start-up memory (issue 17: idle RSS under 100 MiB per service): what a service needs only for
some requests (the PDF and image stack: certificates, forms, upload checks) is imported where it is
used, and no argon2 hash (64 MiB each) is computed while the service starts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ["portal", "siki", "lsp", "bnsp_mock", "lpjk_mock"]
# Each one several MiB (fontTools, pypdf and Pillow together ~9 MiB in the portal).
HEAVY = ["fpdf", "fontTools", "pyhanko", "pypdf", "segno", "PIL", "qrcode", "reportlab"]

# Run in a fresh interpreter: the test process has imported everything already. It builds the
# app as ``python -m services.<svc>`` does, counting argon2 hashes on the way.
PROBE = """
import importlib, json, os, sys, tempfile
import argon2
hashes = []
_hash = argon2.PasswordHasher.hash
def counting_hash(self, *args, **kwargs):
    hashes.append(1)
    return _hash(self, *args, **kwargs)
argon2.PasswordHasher.hash = counting_hash
service = sys.argv[1]
sys.path.insert(0, sys.argv[2])
os.chdir(tempfile.mkdtemp())
importlib.import_module(f"services.{service}.__main__")
importlib.import_module(f"services.{service}.app").create_app()
print(json.dumps({"modules": sorted({name.split(".")[0] for name in sys.modules}), "hashes": len(hashes)}))
"""


def _probe(service: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE, service, str(ROOT)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("service", SERVICES)
def test_building_the_app_leaves_the_pdf_and_image_stack_unimported_and_hashes_nothing(service: str) -> None:
    result = _probe(service)
    modules = result["modules"]
    assert isinstance(modules, list)
    assert sorted(set(HEAVY) & set(modules)) == []
    assert result["hashes"] == 0


def test_the_fixed_dummy_hashes_match_their_hashers_parameters() -> None:
    """A fixed dummy hash with other parameters would make an unknown account's login cheaper
    (or dearer) than a real one's: the timing would tell which emails exist."""
    from argon2 import extract_parameters

    from services.lsp.usecases import staff
    from services.portal import security

    for dummy, fixed, hasher in ((security._DUMMY_HASH, security._FIXED_DUMMY_HASH, security._hasher),
                                 (staff._DUMMY_HASH, staff._FIXED_DUMMY_HASH, staff._HASHER)):
        assert dummy == fixed
        assert extract_parameters(dummy) == hasher._parameters
        assert hasher.verify(dummy, "not-a-real-password-0" if hasher is security._hasher else "not-a-real-password")
