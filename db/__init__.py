"""Database access: engine from DATABASE_URL, tables, seeding from knowledge/data, queries."""
from __future__ import annotations

from sqlalchemy.engine import Engine

from db.engine import DEFAULT_DATABASE_URL, make_engine
from db.queries import knowledge_version, load_knowledge
from db.seed import is_seeded, seed
from knowledge.loader import load_files
from knowledge.records import KnowledgeBase

__all__ = ["DEFAULT_DATABASE_URL", "make_engine", "open_knowledge", "load_knowledge", "knowledge_version", "seed",
           "is_seeded"]


def open_knowledge(engine: Engine, tz: str = "Asia/Ho_Chi_Minh") -> KnowledgeBase:
    """The knowledge in the database, filled from the data files on first use."""
    if not is_seeded(engine):
        seed(engine, load_files(), tz=tz)
    return load_knowledge(engine)
