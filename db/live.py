"""The answering engine over the database's knowledge, kept current.

It follows the audit log: when the newest audited change is not the one it reflects (an admin's edit here, another
process, the CLI), the records those changes touched are read again and put into a new answerer that shares the
rest with the current one (`Answerer.updated`); a reload of the plan, an agency's change, or more changed records
than the overlay should hold builds it whole. Updates run in worker threads one at a time, so an earlier change's
slower update never replaces a later one's; questions go on being answered by the current answerer meanwhile,
which is swapped for the new one in one assignment. The result is saved (knowledge.saved_index) in the background
for the next process to start from.

What is alive once an answerer is in place is left out of the garbage collector's walks (`gc.freeze`): a full
collection over 100.000 records' answerer took 20-40 ms inside someone's question. An answerer replaced since is
held in reference cycles (its memo tables), so each settling first gives the frozen objects back and collects
them: the replaced answerer is freed then, after its successor is saved, in the saving thread."""
from __future__ import annotations

import gc
import threading
from pathlib import Path

from sqlalchemy.engine import Engine

from db.queries import audit_key, changed_on, changes_since, knowledge_version, load_knowledge, load_records
from db.seed import open_knowledge
from knowledge import saved_index
from knowledge.engine import Answerer
from knowledge.revisions import revise

OVERLAY_SHARE = 10  # more records changed than a tenth of those indexed at the last full build: build it whole
OVERLAY_MIN = 1000  # … but a small plan takes this many before


class LiveKnowledge:
    def __init__(self, db: Engine, tz: str, index_path: Path | None = None) -> None:
        self.db, self.tz, self.path = db, tz, index_path
        self._updating = threading.Lock()
        self._saving = threading.Lock()
        self._saved = -1  # the version last saved
        self.version = knowledge_version(db)
        saved = saved_index.load(index_path, audit_key(db, self.version, tz)) if index_path else None
        if saved is None:
            saved = Answerer(open_knowledge(db, tz))  # seeds an empty database first
            self.version = knowledge_version(db)
            self._save_later(saved, self.version)
        else:
            _settle()
        self.answerer = saved

    def rebuild(self) -> None:
        """Bring the answerer up to what the database holds now (blocking: call from a worker thread)."""
        with self._updating:
            current = self.answerer
            changes = changes_since(self.db, self.version, current.kb.agencies)
            if changes.version == self.version:
                return
            limit = max(OVERLAY_MIN, current.index.base_rows // OVERLAY_SHARE)
            if changes.whole or current.index.overlay_rows + len(changes.ids) > limit:
                answerer = Answerer(load_knowledge(self.db, self.tz))
            else:
                kb = current.kb.with_records(load_records(self.db, changes.ids), removed=changes.ids)
                kb = revise(kb, changed_on(self.db, self.tz, changes.ids), changes.ids)
                answerer = current.updated(kb, changes.ids)
            self.answerer, self.version = answerer, changes.version
        del current
        self._save_later(answerer, changes.version)

    def follow(self) -> bool:
        """Update when someone else changed the knowledge since; True when it did."""
        if knowledge_version(self.db) == self.version:
            return False
        self.rebuild()
        return True

    def _save_later(self, answerer: Answerer, version: int) -> None:
        if self.path is not None:
            threading.Thread(target=self._save, args=(answerer, version), name="planbot-save-index").start()
        else:
            _settle()

    def _save(self, answerer: Answerer, version: int) -> None:
        """Save the answerer for `version` unless a later one was saved already (saves may finish out of order),
        then settle (questions under way on the answerer replaced have long finished)."""
        with self._saving:
            if version > self._saved and self.path is not None \
                    and saved_index.save(answerer, self.path, audit_key(self.db, version, self.tz)):
                self._saved = version
            del answerer
            _settle()


def _settle() -> None:
    """Collect what was frozen and is garbage now (a replaced answerer), then freeze what is left alive."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
