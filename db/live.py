"""The answering engine over the database's knowledge, kept current.

It is rebuilt when the newest audited change is not the one it reflects: an admin's edit here, another process,
the CLI. Rebuilds run in worker threads one at a time, so an earlier change's slower rebuild never replaces a
later one's; questions go on being answered by the previous engine meanwhile."""
from __future__ import annotations

import threading

from sqlalchemy.engine import Engine

from db.queries import knowledge_version, load_knowledge
from db.seed import open_knowledge
from knowledge.engine import Answerer


class LiveKnowledge:
    def __init__(self, db: Engine, tz: str) -> None:
        self.db, self.tz = db, tz
        self._rebuilding = threading.Lock()
        self.version = knowledge_version(db)
        self.answerer = Answerer(open_knowledge(db, tz))

    def rebuild(self) -> None:
        """The engine over what the database holds now (blocking: call from a worker thread)."""
        with self._rebuilding:
            version = knowledge_version(self.db)
            self.answerer = Answerer(load_knowledge(self.db, self.tz))
            self.version = version

    def follow(self) -> bool:
        """Rebuild when someone else changed the knowledge since; True when it did."""
        if knowledge_version(self.db) == self.version:
            return False
        self.rebuild()
        return True
