import services.lsp.issuance.models  # noqa: F401  (its tables are part of the LSP's schema)
from services.lsp.db.models import Base
from shared.database import alembic_env_run

alembic_env_run(Base.metadata)
