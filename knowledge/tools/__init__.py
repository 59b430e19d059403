"""Offline tools that derive the engine's data files (word frequencies, fitted weights); not used at run time."""
