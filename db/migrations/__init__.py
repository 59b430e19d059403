"""Alembic migrations of the schema (`planbot migrate`); `versions/` holds one file per change."""
