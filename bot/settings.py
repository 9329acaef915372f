"""Settings read from the environment and an optional ``.env`` file; the only reader of either."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

README_SLACK_SECTION = "README.md, section “Creating the Slack app”"

DEFAULT_FOCUS_AREAS = (
    "Clinical skills",
    "Research",
    "Career and job search",
    "Wellbeing",
    "Teaching",
    "Leadership",
    "Other",
)

DEFAULT_COMPETENCIES = (
    "Patient care",
    "Medical knowledge",
    "Practice-based learning and improvement",
    "Interpersonal and communication skills",
    "Professionalism",
    "Systems-based practice",
)

# Specialties (departments) offered in profiles when a program names none of its own.
DEFAULT_SPECIALTIES = (
    "Internal medicine",
    "General surgery",
    "Pediatrics",
    "Emergency medicine",
    "Obstetrics and gynecology",
    "Psychiatry",
    "Nursing",
)

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
_HH_MM = re.compile(r"^(\d{1,2}):(\d{2})$")


class LogFormat(StrEnum):
    JSON = "json"
    CONSOLE = "console"


class Mode(StrEnum):
    """What a command needs from Slack: the checks differ for each."""

    SERVE = "serve"  # answers Slack requests: bot token, and a signing secret unless Socket Mode
    SEND = "send"  # only calls the Web API (worker, tick): bot token
    OFFLINE = "offline"  # touches the database only (migrate)


def _split_list(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """Everything mentorbot can be told; names match the environment variables."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    # Where Slack's response_urls live: a request naming any other is refused (the URL is the
    # client's word, and the app would post to it). GovSlack: https://hooks.slack-gov.com/
    slack_response_url_base: str = "https://hooks.slack.com/"
    slack_pacing: bool = True
    # A slash command answers in its ack when the answer is ready within this many ms; otherwise
    # it is acked empty at that moment and its answer follows through its response_url, so a
    # busy moment never holds an ack (or the server thread waiting on it) near Slack's 3 s.
    ack_budget_ms: int = Field(default=50, ge=0, le=2500)
    database_url: str = "sqlite:///mentorbot.db"
    host: str = "0.0.0.0"  # noqa: S104 - a web dyno must listen on every interface
    port: int = Field(default=3000, ge=1, le=65535)
    log_format: LogFormat | None = None
    log_level: str = "INFO"
    coordinator_channel: str | None = None
    coordinators: Annotated[tuple[str, ...], NoDecode] = ()
    # Workspace admins: they create and edit programs (and name their coordinators).
    admins: Annotated[tuple[str, ...], NoDecode] = ()
    default_timezone: str = "America/New_York"
    scheduler_interval_seconds: int = Field(default=60, ge=5, le=3600)
    focus_areas: Annotated[tuple[str, ...], NoDecode] = DEFAULT_FOCUS_AREAS
    competencies: Annotated[tuple[str, ...], NoDecode] = DEFAULT_COMPETENCIES
    specialties: Annotated[tuple[str, ...], NoDecode] = DEFAULT_SPECIALTIES
    request_reminder_days: int = Field(default=3, ge=1, le=60)
    request_expiry_days: int = Field(default=14, ge=2, le=120)
    claim_timeout_minutes: int = Field(default=10, ge=1, le=1440)
    digest_weekday: int = Field(default=0, ge=0, le=6)  # 0 is Monday
    digest_time: str = "08:00"  # local time in DEFAULT_TIMEZONE, "HH:MM"
    # Feedback is shown only as aggregates of at least this many people's answers.
    feedback_min_responses: int = Field(default=5, ge=2, le=100)
    # Free text of mentorships that ended longer ago than this is purged (counts and dates stay).
    retention_months: int = Field(default=24, ge=1, le=240)

    def pseudonym_key(self) -> str:
        """What erased people's pseudonyms are keyed with: a secret of the installation, so the
        pseudonyms cannot be recomputed from a list of workspace user ids."""
        for secret in (self.slack_signing_secret, self.slack_app_token, self.slack_bot_token):
            if secret is not None:
                return secret.get_secret_value()
        return "mentorbot"

    @field_validator(
        "coordinators", "admins", "focus_areas", "competencies", "specialties", mode="before"
    )
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        return _split_list(value)

    @field_validator("coordinators", "admins")
    @classmethod
    def _user_ids(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [v for v in value if not _USER_ID.match(v)]
        if bad:
            raise ValueError(
                "must be Slack user ids separated by commas (like U012AB3CD), "
                f"not {', '.join(repr(b) for b in bad)}"
            )
        return value

    @field_validator("coordinator_channel")
    @classmethod
    def _channel_id(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not _CHANNEL_ID.match(value):
            raise ValueError(
                "must be a channel id like C012AB3CD (open the channel's details in Slack; "
                "the id is at the bottom)"
            )
        return value

    @field_validator("default_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                "must be an IANA time zone name such as America/Chicago or Europe/London"
            ) from exc
        return value

    @field_validator("digest_time")
    @classmethod
    def _digest_time(cls, value: str) -> str:
        match = _HH_MM.match(value.strip())
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            raise ValueError("must be a 24-hour local time like 08:00")
        return f"{int(match.group(1)):02d}:{match.group(2)}"

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        upper = value.upper()
        if upper not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return upper

    @field_validator("slack_api_url", "slack_response_url_base")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("focus_areas", "competencies")
    @classmethod
    def _non_empty(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("needs at least one entry (comma-separated)")
        return value

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    def effective_log_format(self) -> LogFormat:
        if self.log_format is not None:
            return self.log_format
        return LogFormat.CONSOLE if sys.stderr.isatty() else LogFormat.JSON

    def secret_values(self) -> tuple[str, ...]:
        """The secrets in force, for the log redactor."""
        secrets = (self.slack_bot_token, self.slack_signing_secret, self.slack_app_token)
        return tuple(s.get_secret_value() for s in secrets if s is not None)

    def is_admin(self, user_id: str) -> bool:
        return user_id in self.admins


class SettingsError(Exception):
    """Settings that cannot work; ``problems`` says each one and how to fix it."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems

    def render(self) -> str:
        lines = ["mentorbot cannot start: its settings need attention.", ""]
        lines += [f"  - {p}" for p in self.problems]
        lines += [
            "",
            "Set these as environment variables or in a .env file in the working directory.",
            f"How to create the Slack app and find each token: {README_SLACK_SECTION}.",
        ]
        return "\n".join(lines)


def load_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """Read settings, turning pydantic's errors into one readable list."""
    try:
        return Settings(**dict(overrides or {}))
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = ".".join(str(p) for p in error["loc"]).upper() or "settings"
            message = error["msg"].removeprefix("Value error, ")
            problems.append(f"{name} {message}.")
        raise SettingsError(problems) from None


def check_ready(settings: Settings, mode: Mode) -> None:
    """Raise SettingsError naming every setting ``mode`` needs and lacks."""
    if mode is Mode.OFFLINE:
        return
    problems: list[str] = []
    token = settings.slack_bot_token
    if token is None or not token.get_secret_value():
        problems.append(
            "SLACK_BOT_TOKEN is not set. It is the Bot User OAuth Token (starts with xoxb-) "
            "from your Slack app's “OAuth & Permissions” page, after installing the app."
        )
    elif not token.get_secret_value().startswith("xoxb-"):
        problems.append(
            "SLACK_BOT_TOKEN does not look like a bot token: it should start with xoxb-."
        )
    app_token = settings.slack_app_token
    if mode is Mode.SERVE and app_token is not None:
        if not app_token.get_secret_value().startswith("xapp-"):
            problems.append(
                "SLACK_APP_TOKEN should start with xapp-: create an app-level token with the "
                "connections:write scope under “Basic Information”, or unset it to use HTTP mode."
            )
    elif mode is Mode.SERVE:
        secret = settings.slack_signing_secret
        if secret is None or not secret.get_secret_value():
            problems.append(
                "SLACK_SIGNING_SECRET is not set. It is the “Signing Secret” on your Slack app's "
                "“Basic Information” page. (Or set SLACK_APP_TOKEN to use Socket Mode instead.)"
            )
    if problems:
        raise SettingsError(problems)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
