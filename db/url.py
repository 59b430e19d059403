"""Where the database is when DATABASE_URL is not set, and how to name a database to its operator.

A module of its own with no heavy imports, so settings import no database code. The default is a SQLite file in
the user's data folder (platformdirs: `~/.local/share/planbot/planbot.db` on Linux, `$XDG_DATA_HOME/planbot/` when
set), the same whatever the working directory."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from platformdirs import user_data_dir


def default_database_path() -> Path:
    return Path(user_data_dir("planbot", appauthor=False)) / "planbot.db"


def default_database_url() -> str:
    """'sqlite:////root/.local/share/planbot/planbot.db' (the folder is made when the database is first opened)."""
    return f"sqlite:///{default_database_path()}"


def describe(url: str) -> str:
    """What to tell an operator: a SQLite file's absolute path, any other URL without its password."""
    if url.split(":", 1)[0].split("+", 1)[0] == "sqlite":
        path = unquote(url.split(":///", 1)[1]) if ":///" in url else ""
        return "bộ nhớ tạm (không lưu)" if path in ("", ":memory:") else str(Path(path).resolve())
    parts = urlsplit(url)
    if parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1))
    return parts.geturl()


def where(url: str) -> str:
    """The 'Dữ liệu: …' line of `planbot chat` and `run`; when the default is used while the working directory still
    holds the file of the old default (./data/planbot.db), a second line says how to keep using it."""
    line = f"Dữ liệu: {describe(url)}"
    old = Path("data") / "planbot.db"
    if url == default_database_url() and old.is_file():
        line += (f"\nThư mục này còn tệp dữ liệu cũ {old.resolve()}: đặt DATABASE_URL=sqlite:///{old.as_posix()} để "
                 f"dùng tiếp tệp đó, hoặc chuyển nó tới {default_database_path()}.")
    return line


DEFAULT_DATABASE_URL = default_database_url()  # at import; `Settings` asks `default_database_url()` when it loads
