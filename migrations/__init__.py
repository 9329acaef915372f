"""Alembic migrations for mentorbot's schema, shipped inside the installed package."""
