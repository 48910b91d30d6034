"""Persistence: SQLAlchemy models, the engine, migrations and per-action services."""
