"""The built answerer saved to a file and loaded when it still matches, so a process starts without building it.

A saved index is valid for one version of the knowledge (the caller's key: the database's audit position, the
time zone) and one version of the code and data files that build it (their fingerprint, computed here). Anything
else, or a file that cannot be read, is ignored: the caller builds the answerer and saves it again. The file is
written beside under a temporary name and renamed over the old one, so a crash never leaves half a file."""
from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
import time
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from knowledge.engine import Answerer

FORMAT = 1
STALE_SECONDS = 3600  # a temporary file this old was left by a process killed while saving
KNOWLEDGE_DIR = Path(__file__).resolve().parent


@cache
def fingerprint() -> str:
    """A digest of everything an index is built from besides the knowledge: the answering code, the vocabulary
    and weight files, the plan's data files (revisions compare with them), Python's and numpy's versions."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version} {np.__version__}".encode())
    for path in sorted([*KNOWLEDGE_DIR.glob("*.py"), *(KNOWLEDGE_DIR / "data").rglob("*")]):
        if path.is_file():
            digest.update(path.relative_to(KNOWLEDGE_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def knowledge_key(version: int, changes: int, newest_at: object, tz: str) -> str:
    """What a saved index is valid for: the newest audited change, when it was made, and how many there are (a
    database made again, or restored from a copy and changed otherwise, differs), and the time zone its revision
    dates are written in. `newest_at` is a stored time as the driver hands it back (text or datetime)."""
    when = newest_at if isinstance(newest_at, datetime) else datetime.fromisoformat(str(newest_at))
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return f"{version}:{changes}:{when.astimezone(UTC).isoformat()}:{tz}"


def _header(key: str) -> dict[str, Any]:
    return {"format": FORMAT, "fingerprint": fingerprint(), "key": key}


def load(path: Path, key: str) -> Answerer | None:
    """The answerer saved at `path` for `key`, None when there is none, it is for something else, or unreadable."""
    try:
        with path.open("rb") as f:
            if pickle.load(f) != _header(key):
                return None
            answerer: Answerer = pickle.load(f)
            return answerer
    except Exception:  # missing, truncated, from another version: the caller builds it again
        return None


def _forget_stale(path: Path) -> None:
    """Remove what a process killed while saving left behind: its temporary files, once they are an hour old (a
    younger one may be another process's save in progress)."""
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            if time.time() - tmp.stat().st_mtime > STALE_SECONDS:
                tmp.unlink()


def save(answerer: Answerer, path: Path, key: str) -> bool:
    """Write the answerer for `key` (readable by the owner only); False when the folder cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _forget_stale(path)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(_header(key), f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(answerer, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        return True
    except Exception:  # a full disk, or the answerer changed while being written: the next process builds it
        Path(tmp).unlink(missing_ok=True)
        return False
