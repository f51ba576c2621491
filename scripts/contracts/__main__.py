"""``python -m scripts.contracts [events] [openapi] [client]`` (all three when none is named).

- ``events`` (``make contracts``): docs/asyncapi.yaml and the event tables of docs/CONTRACTS.md;
- ``openapi`` (``make openapi``): docs/openapi/<service>.json;
- ``client`` (``make client``): clients/<service>_client from the committed OpenAPI documents.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scripts.contracts import asyncapi, client, events_table, openapi

ASYNCAPI_PATH = openapi.ROOT / "docs" / "asyncapi.yaml"
CONTRACTS_PATH = openapi.ROOT / "docs" / "CONTRACTS.md"


def write_events() -> list[Path]:
    ASYNCAPI_PATH.write_text(asyncapi.render(), encoding="utf-8")
    text = CONTRACTS_PATH.read_text(encoding="utf-8")
    CONTRACTS_PATH.write_text(events_table.splice(text), encoding="utf-8")
    return [ASYNCAPI_PATH, CONTRACTS_PATH]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.contracts", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", nargs="*", choices=["events", "openapi", "client"], help="what to generate")
    parser.add_argument("--service", action="append", choices=openapi.SERVICES,
                        help="only this service (openapi, client); repeatable")
    args = parser.parse_args(argv)
    what = args.what or ["events", "openapi", "client"]
    services = tuple(args.service or openapi.SERVICES)
    written: list[Path] = []
    if "events" in what:
        written += write_events()
    if "openapi" in what:
        written += openapi.write(services)
    if "client" in what:
        written += client.write(services)
    for path in written:
        print(f"wrote {path.relative_to(openapi.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
