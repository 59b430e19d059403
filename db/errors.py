"""What light commands (`planbot ask`, `chat`) need of the schema without importing SQLAlchemy or Alembic: the
revision this code expects (a test holds it equal to the migrations' head) and the error for a database behind."""

SCHEMA_HEAD = "0001"


class SchemaBehind(RuntimeError):
    """The database holds data at an older revision than this code: `planbot migrate` must upgrade it first. The
    message says so in Vietnamese."""
