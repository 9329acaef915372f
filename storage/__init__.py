"""The SQL store: engine and sessions, models, and plain functions per aggregate."""
