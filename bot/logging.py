"""structlog set-up: JSON lines or console output, stdlib records alike, secrets redacted."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from bot.settings import LogFormat

REDACTED = "[redacted]"

# Slack tokens have a recognisable shape; anything that looks like one is never written out,
# whether or not it is the token this process was given.
_TOKEN_PATTERN = re.compile(r"\bx(?:ox[abposer]|app)-[A-Za-z0-9-]+")


class SecretRedactor:
    """A processor that replaces known secrets and Slack-token-shaped strings everywhere."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = tuple(s for s in secrets if len(s) >= 6)

    def _clean(self, value: Any) -> Any:
        if isinstance(value, str):
            for secret in self._secrets:
                if secret in value:
                    value = value.replace(secret, REDACTED)
            return _TOKEN_PATTERN.sub(REDACTED, value)
        if isinstance(value, dict):
            return {k: self._clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self._clean(v) for v in value)
        return value

    def __call__(self, logger: WrappedLogger, name: str, event_dict: EventDict) -> EventDict:
        cleaned = {key: self._clean(value) for key, value in event_dict.items()}
        event_dict.clear()
        event_dict.update(cleaned)
        return event_dict


def configure_logging(
    log_format: LogFormat, level: str = "INFO", secrets: Iterable[str] = ()
) -> None:
    """Route structlog and the standard library (Bolt, SQLAlchemy, APScheduler) through one
    chain of processors to stderr."""
    redactor = SecretRedactor(secrets)
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
    ]
    renderer: Processor
    if log_format is LogFormat.CONSOLE:
        renderer = structlog.dev.ConsoleRenderer()
        final: list[Processor] = [redactor, renderer]
    else:
        final = [
            structlog.processors.format_exc_info,
            redactor,
            structlog.processors.JSONRenderer(),
        ]

    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *final],
    )
    handler = logging.StreamHandler()
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Chatty libraries stay at WARNING unless the whole app is debugging.
    quiet = logging.WARNING if level != "DEBUG" else logging.DEBUG
    for name in ("sqlalchemy.engine", "apscheduler.executors", "waitress.queue", "urllib3"):
        logging.getLogger(name).setLevel(quiet)


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.get_logger(name)
    return logger
