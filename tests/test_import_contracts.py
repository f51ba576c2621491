"""The import contracts of ``pyproject.toml`` (``make lint`` runs ``lint-imports``): kept by the
tree, and broken, by name, by a module that crosses one.

The breaking modules are written into a throw-away copy of ``shared/`` and ``services/`` (their
``.py`` files), never into the tree others work in; the contracts are read from the real
``pyproject.toml``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

INDEPENDENCE = "The services are independent: none imports another"
SHARED = "shared imports no service"
LAYERS = "Layers of each service: api and events above usecases above domain"
DOMAIN = "A service's domain imports no web framework and no HTTP errors"
ALL_CONTRACTS = (INDEPENDENCE, SHARED, LAYERS, DOMAIN)


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH first: grimp finds the packages under ``cwd`` rather than the installed tree.
    env = {**os.environ, "PYTHONPATH": str(cwd), "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache", str(PYPROJECT)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def _copy_tree(dest: Path) -> None:
    for package in ("shared", "services"):
        for src in (ROOT / package).rglob("*.py"):
            if "__pycache__" in src.parts:
                continue
            target = dest / src.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_the_tree_keeps_every_contract() -> None:
    done = _lint_imports(ROOT)
    out = _one_line(done.stdout + done.stderr)
    assert done.returncode == 0, done.stdout + done.stderr
    for name in ALL_CONTRACTS:
        assert f"{name} KEPT" in out, out
    assert "0 broken" in out


@pytest.mark.parametrize(
    ("path", "source", "broken", "detail"),
    [
        ("services/portal/contract_probe.py", "import services.siki.settings\n", INDEPENDENCE,
         "services.portal is not allowed to import services.siki"),
        ("shared/contract_probe.py", "from services.lsp import settings\n", SHARED,
         "shared is not allowed to import services"),
        ("services/bnsp_mock/domain/contract_probe.py", "import services.bnsp_mock.api\n", LAYERS,
         "services.bnsp_mock.domain is not allowed to import services.bnsp_mock.api"),
        ("services/lpjk_mock/domain/contract_probe.py", "from fastapi import HTTPException\n", DOMAIN,
         "services.lpjk_mock.domain is not allowed to import fastapi"),
        ("services/siki/domain/contract_probe.py", "from shared import errors\n", DOMAIN,
         "services.siki.domain is not allowed to import shared.errors"),
    ],
    ids=["service-imports-service", "shared-imports-service", "domain-imports-api", "domain-imports-fastapi",
         "domain-imports-shared-errors"],
)
def test_a_module_crossing_a_contract_breaks_it(tmp_path: Path, path: str, source: str, broken: str,
                                                detail: str) -> None:
    _copy_tree(tmp_path)
    (tmp_path / path).write_text(source, encoding="utf-8")
    done = _lint_imports(tmp_path)
    out = _one_line(done.stdout + done.stderr)
    assert done.returncode == 1, out
    assert f"{broken} BROKEN" in out, out
    assert detail in out, out
    assert "Contracts: 3 kept, 1 broken." in out, out


def test_tests_may_import_another_service(tmp_path: Path) -> None:
    _copy_tree(tmp_path)
    (tmp_path / "services/portal/tests/test_contract_probe.py").write_text(
        "import fastapi\nimport services.siki.app\nimport services.portal.api\n", encoding="utf-8")
    (tmp_path / "services/portal/domain/tests").mkdir(parents=True, exist_ok=True)
    (tmp_path / "services/portal/domain/tests/test_contract_probe.py").write_text(
        "import fastapi\nimport services.portal.api\nimport shared.errors\n", encoding="utf-8")
    done = _lint_imports(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
