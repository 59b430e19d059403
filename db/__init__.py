"""Database access: engine from DATABASE_URL (`engine`), tables (`models`), seeding (`seed`), queries and edits.

Import the submodule you need: this package imports nothing itself, so `planbot ask` can read the knowledge with
`db.reader` without loading SQLAlchemy."""
