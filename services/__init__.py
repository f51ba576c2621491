"""The services. Importing any of them first imports structlog, httpx and uvicorn without the
extras they import when installed and a service never uses (rich, pygments, watchfiles: 4.3 MiB
of idle RSS, issue 17): see shared/lean_imports.py."""

from shared.lean_imports import import_without_unused_extras

import_without_unused_extras()
