"""The services. Importing any of them first imports structlog and httpx without their terminal
extras (rich, pygments: 3.5 MiB of idle RSS, issue 17): see shared/lean_imports.py."""

from shared.lean_imports import import_without_terminal_extras

import_without_terminal_extras()
