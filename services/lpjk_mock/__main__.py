"""Run the lpjk service as its own process: ``python -m services.lpjk_mock``; or manage its
operators (``create-operator``, ``deactivate-operator``, ``set-operator-roles``:
shared/operators_cli.py)."""

from __future__ import annotations

from services.lpjk_mock.api.deps import OPERATOR_ROLES
from services.lpjk_mock.app import MIGRATIONS, create_app
from services.lpjk_mock.db.models import AuditEntry, Operator
from services.lpjk_mock.settings import LpjkSettings
from shared import serving
from shared.operators_cli import OperatorCli
from shared.operators_cli import main as operators_main


def serve() -> None:
    settings = LpjkSettings()
    serving.run(create_app(settings), host=settings.host, port=settings.port,
                log_config=None, access_log=False, ws="none")  # no WebSockets: websockets unimported


def main() -> None:
    operators_main(OperatorCli(prog="python -m services.lpjk_mock", settings=LpjkSettings, serve=serve,
                               migrations=MIGRATIONS, operator_model=Operator, audit_model=AuditEntry,
                               roles=OPERATOR_ROLES))


if __name__ == "__main__":
    main()
