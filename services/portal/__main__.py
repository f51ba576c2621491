"""Run the portal service as its own process: ``python -m services.portal``; or manage its
operators (``create-operator``, ``deactivate-operator``, ``set-operator-roles``:
shared/operators_cli.py)."""

from __future__ import annotations

from services.portal.api.operator import OPERATOR_ROLES
from services.portal.app import MIGRATIONS, create_app
from services.portal.db.models import AuditEntry, Operator
from services.portal.settings import PortalSettings
from shared import serving
from shared.operators_cli import OperatorCli
from shared.operators_cli import main as operators_main


def serve() -> None:
    settings = PortalSettings()
    serving.run(create_app(settings), host=settings.host, port=settings.port,
                log_config=None, access_log=False, ws="none")  # no WebSockets: websockets unimported


def main() -> None:
    operators_main(OperatorCli(prog="python -m services.portal", settings=PortalSettings, serve=serve,
                               migrations=MIGRATIONS, operator_model=Operator, audit_model=AuditEntry,
                               roles=OPERATOR_ROLES))


if __name__ == "__main__":
    main()
