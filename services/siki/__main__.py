"""Run the siki service as its own process: ``python -m services.siki``; or manage its operators
(``create-operator``, ``deactivate-operator``, ``set-operator-roles``: shared/operators_cli.py)."""

from __future__ import annotations

from services.siki.api.auth import OPERATOR_ROLES
from services.siki.app import MIGRATIONS, create_app
from services.siki.db.models import AuditEntry, Operator
from services.siki.settings import SikiSettings
from shared import serving
from shared.operators_cli import OperatorCli
from shared.operators_cli import main as operators_main


def serve() -> None:
    settings = SikiSettings()
    serving.run(create_app(settings), host=settings.host, port=settings.port,
                log_config=None, access_log=False, ws="none")  # no WebSockets: websockets unimported


def main() -> None:
    operators_main(OperatorCli(prog="python -m services.siki", settings=SikiSettings, serve=serve,
                               migrations=MIGRATIONS, operator_model=Operator, audit_model=AuditEntry,
                               roles=OPERATOR_ROLES))


if __name__ == "__main__":
    main()
