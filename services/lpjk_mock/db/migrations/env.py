from services.lpjk_mock.db.models import Base
from shared.database import alembic_env_run

alembic_env_run(Base.metadata)
