"""Where the database is when DATABASE_URL is not set (a module of its own, so settings import no database code)."""

DEFAULT_DATABASE_URL = "sqlite:///data/planbot.db"
