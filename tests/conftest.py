from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.engine import Answerer
from knowledge.loader import load_files
from knowledge.records import KnowledgeBase
from tests.fake_telegram import FakeTelegram
from tests.pg import PostgresUnavailable, TempPostgres, empty_database

SOURCE = Path(__file__).resolve().parents[1] / "knowledge" / "data" / "source" / "ke-hoach-3854-KH-UBND-2016.txt"


@pytest.fixture(scope="session", autouse=True)
def private_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The default database (the user's data folder) is a throwaway one for the tests and the processes they start,
    and a DATABASE_URL from the developer's shell never reaches them."""
    with pytest.MonkeyPatch.context() as mp:
        data = tmp_path_factory.mktemp("xdg-data")
        mp.setenv("XDG_DATA_HOME", str(data))
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))  # saved indexes of PostgreSQL
        mp.delenv("DATABASE_URL", raising=False)
        yield data


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_files()


@pytest.fixture(scope="session")
def engine_kb(kb: KnowledgeBase) -> Answerer:
    return Answerer(kb)


@pytest.fixture(scope="session")
def source_text() -> str:
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def tg() -> Iterator[FakeTelegram]:
    """A fake Bot API server shared by the tests of one module."""
    with FakeTelegram() as server:
        yield server


@pytest.fixture(autouse=True)
def telegram_refuses_nothing(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test on the shared fake fails when the bot made a call Telegram would refuse; a test that means to
    provoke refusals says so with @pytest.mark.telegram_refuses."""
    if "tg" not in request.fixturenames:
        yield
        return
    server: FakeTelegram = request.getfixturevalue("tg")
    before = len(server.rejected)
    yield
    if request.node.get_closest_marker("telegram_refuses"):
        del server.rejected[before:]
    else:
        server.assert_nothing_refused()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """PLANBOT_TEST_PG_URL if given, else a private server; in CI a missing PostgreSQL is a failure."""
    given = os.environ.get("PLANBOT_TEST_PG_URL")
    if given:
        yield given
        return
    server = TempPostgres()
    try:
        url = server.start()
    except PostgresUnavailable as exc:
        server.stop()
        if os.environ.get("CI"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'planbot.db'}"
        return
    url = request.getfixturevalue("postgres_url")
    empty_database(url)
    yield url
