"""``clients/<service>_client``: Python clients generated from ``docs/openapi/<service>.json`` with
openapi-python-client (pinned in constraints.txt), package only (``--meta none``).

Function modules are named after the operationIds (``api/<tag>/<operationId>.py``), which are
fixed; model class names follow the schemas and may change, so callers should read responses by
field name (``.parsed.<field>``, ``.to_dict()``) rather than depend on class names.
"""

from __future__ import annotations

import hashlib
import json
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from scripts.contracts.openapi import ROOT, SERVICES, path_of

CLIENTS_DIR = ROOT / "clients"
# Formatting of the generated code, fixed here so that it does not depend on where it is generated
# (the repository's ruff settings exclude clients/).
RUFF_ARGS = "--isolated --no-cache --line-length=120 --target-version=py311"


def package_of(service: str) -> str:
    return f"{service}_client"


def client_dir(service: str) -> Path:
    return CLIENTS_DIR / package_of(service)


def _ruff() -> str:
    beside = Path(sys.executable).parent / "ruff"
    found = str(beside) if beside.exists() else shutil.which("ruff")
    if not found:
        raise RuntimeError("ruff is needed to format the generated clients (pip install -c constraints.txt ruff)")
    return shlex.quote(found)


def _generator() -> list[str]:
    beside = Path(sys.executable).parent / "openapi-python-client"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("openapi-python-client")
    if not found:
        raise RuntimeError("openapi-python-client is not installed (pip install -c constraints.txt -e '.[dev]')")
    return [found]


def binary_strings(node: Any) -> Any:
    """``node`` with every OpenAPI 3.1 file schema (``type: string`` + ``contentMediaType``, what FastAPI
    emits for ``UploadFile``) also marked ``format: binary``, the 3.0 form openapi-python-client 0.29
    turns into a ``File`` upload (it sends a plain string otherwise: openapi-python-client issue 1417)."""
    if isinstance(node, list):
        return [binary_strings(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: binary_strings(value) for key, value in node.items()}
    if out.get("type") == "string" and "contentMediaType" in out and "contentEncoding" not in out:
        out.setdefault("format", "binary")
    return out


def generate(service: str, out_dir: Path, spec: Path | None = None) -> Path:
    """Generate the client of ``service`` into ``out_dir`` (the package directory itself)."""
    spec = spec or path_of(service)
    ruff = _ruff()
    config = {
        "project_name_override": package_of(service),
        "package_name_override": package_of(service),
        # The PDFs are bytes: answered as File (payload in a BytesIO) rather than left out.
        "content_type_overrides": {"application/pdf": "application/octet-stream"},
        "post_hooks": [
            f"{ruff} check . {RUFF_ARGS} --fix-only --extend-select=I --quiet",
            f"{ruff} format . {RUFF_ARGS} --quiet",
        ],
    }
    with tempfile.TemporaryDirectory(prefix="skk-client-") as tmp:
        cfg = Path(tmp) / "config.yaml"
        cfg.write_text(yaml.safe_dump(config), encoding="utf-8")
        source = Path(tmp) / f"{service}.json"
        source.write_text(json.dumps(binary_strings(json.loads(spec.read_text(encoding="utf-8")))), encoding="utf-8")
        cmd = [*_generator(), "generate", "--path", str(source), "--meta", "none", "--output-path", str(out_dir),
               "--config", str(cfg), "--overwrite"]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603 - fixed tool
    if done.returncode != 0 or not (out_dir / "__init__.py").exists():
        raise RuntimeError(f"openapi-python-client failed for {service}:\n{done.stdout}\n{done.stderr}")
    return out_dir


def write(services: tuple[str, ...] = SERVICES) -> list[Path]:
    CLIENTS_DIR.mkdir(exist_ok=True)
    return [generate(service, client_dir(service)) for service in services]


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative path -> content), caches left out."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not {"__pycache__", ".ruff_cache"} & set(p.parts)}


def digest(root: Path) -> str:
    h = hashlib.sha256()
    for name, content in tree(root).items():
        h.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
    return h.hexdigest()
