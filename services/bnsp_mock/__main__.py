"""Run the bnsp service as its own process: ``python -m services.bnsp_mock``; or manage its
operators (``create-operator``, ``deactivate-operator``, ``set-operator-roles``:
shared/operators_cli.py)."""

from __future__ import annotations

from services.bnsp_mock.app import MIGRATIONS, OPERATOR_ROLES, create_app
from services.bnsp_mock.db.models import AuditEntry, Operator
from services.bnsp_mock.settings import BnspSettings
from shared import serving
from shared.operators_cli import OperatorCli
from shared.operators_cli import main as operators_main


def serve() -> None:
    settings = BnspSettings()
    serving.run(create_app(settings), host=settings.host, port=settings.port,
                log_config=None, access_log=False, ws="none")  # no WebSockets: websockets unimported


def main() -> None:
    operators_main(OperatorCli(prog="python -m services.bnsp_mock", settings=BnspSettings, serve=serve,
                               migrations=MIGRATIONS, operator_model=Operator, audit_model=AuditEntry,
                               roles=OPERATOR_ROLES))


if __name__ == "__main__":
    main()
