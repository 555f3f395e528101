"""Migrations build the schema from nothing, on SQLite and on PostgreSQL alike."""

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlmodel import Session, SQLModel, col, select

import app.models  # noqa: F401
from app.db import make_engine
from app.models import DraftKind, DraftStatus, PresentationDraft
from tests.support import factories
from tests.support.databases import ROOT, fresh_database, migrate


def test_upgrade_from_empty_creates_every_table(tmp_path: Path) -> None:
    with fresh_database(tmp_path, migrated=False) as url:
        engine = make_engine(url)
        assert "provider" not in inspect(engine).get_table_names()
        migrate(url)
        tables = set(inspect(engine).get_table_names())
        engine.dispose()
    assert set(SQLModel.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_migrations_match_the_models(tmp_path: Path) -> None:
    """`alembic check`: no model change is missing a migration."""
    with fresh_database(tmp_path) as url:
        config = Config(str(ROOT / "alembic.ini"))
        engine = make_engine(url)
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            command.check(config)
        engine.dispose()


def test_downgrade_to_empty_and_up_again(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        config = Config(str(ROOT / "alembic.ini"))
        engine = make_engine(url)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert "provider" not in inspect(engine).get_table_names()
        migrate(url)
        assert "provider" in inspect(engine).get_table_names()
        engine.dispose()


def test_one_linear_history() -> None:
    script = ScriptDirectory.from_config(Config(str(ROOT / "alembic.ini")))
    assert len(script.get_heads()) == 1


def test_0010_keeps_the_newest_of_several_pending_drafts(tmp_path: Path) -> None:
    """Before the database held to one pending draft, a race could leave two: the upgrade
    marks the older replaced (as the service would have) before adding the index."""
    with fresh_database(tmp_path, migrated=False) as url:
        migrate(url, "0009")
        engine = make_engine(url)
        with Session(engine) as s:
            unit = factories.provider(s, "Ängens omsorg")
            for _ in range(2):
                s.add(
                    PresentationDraft(
                        provider_id=unit.id,  # type: ignore[arg-type]
                        kind=DraftKind.PRESENTATION,
                        data={},
                        submitted_at=datetime.now(UTC),
                        submitted_by_name="Någon",
                    )
                )
            s.commit()
        migrate(url)
        with Session(engine) as s:
            rows = s.exec(select(PresentationDraft).order_by(col(PresentationDraft.id))).all()
            assert [d.status for d in rows] == [DraftStatus.REPLACED, DraftStatus.PENDING]
        engine.dispose()
