"""The services. Importing any of them first imports structlog and uvicorn without the extras
they import when installed and a service never uses, and keeps httpx's command line from being
imported with httpx (rich, pygments, watchfiles, click: issue 17's idle RSS): see
shared/lean_imports.py."""

from shared.lean_imports import import_without_unused_extras

import_without_unused_extras()
