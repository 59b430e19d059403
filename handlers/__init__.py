"""Telegram handlers: parse the update, ask `knowledge` or `db`, format, send."""
