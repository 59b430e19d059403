"""The plan as data and the answering engine (no Telegram imports here)."""
