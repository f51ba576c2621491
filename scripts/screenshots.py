"""The README's screenshots: three of the pages the browser tests saved in ``var/screenshots``
(the applicant's form, an LSP's worklist, LPJK's public verification) copied to
``docs/screenshots`` (committed), cropped to a readable height and compressed.

    python -m scripts.screenshots          # after make test (or pytest tests/browser)
    python -m scripts.screenshots --run    # runs the browser tests first
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "var" / "screenshots"
TARGET = ROOT / "docs" / "screenshots"
# Saved by tests/browser/test_journeys.py -> shown in the README.
CHOSEN = {"formulir": "applicant-form.png", "worklist": "lsp-worklist.png", "verifikasi": "verification.png"}
MAX_HEIGHT = 3000


def copy(source: Path = SOURCE, target: Path = TARGET) -> list[Path]:
    missing = [name for name in CHOSEN if not (source / f"{name}.png").is_file()]
    if missing:
        raise SystemExit(f"no {', '.join(missing)} in {source}: run the browser tests first (--run)")
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, out in CHOSEN.items():
        with Image.open(source / f"{name}.png") as image:
            shot = image.convert("RGB")
        if shot.height > MAX_HEIGHT:
            shot = shot.crop((0, 0, shot.width, MAX_HEIGHT))
        shot = shot.quantize(colors=256)  # flat UI colours: a palette PNG is a fraction of the size
        shot.save(target / out, optimize=True)
        written.append(target / out)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", action="store_true", help="run tests/browser first (RabbitMQ, PostgreSQL, chromium)")
    args = parser.parse_args(argv)
    if args.run:
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/browser"],
                              cwd=ROOT, check=False)
        if done.returncode != 0:
            return done.returncode
    for path in copy():
        print(f"{path.relative_to(ROOT)} ({path.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
