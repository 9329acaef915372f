"""The loopback Slack Web API: a real HTTP server on 127.0.0.1 that a ``WebClient`` reaches
through ``base_url``, keeping users, channels, messages, views and files in memory, answering
in the shapes of the recorded responses in tests/slack/fixtures, and recording every call."""

from __future__ import annotations

import copy
import itertools
import json
import re
import secrets
import threading
import time
import urllib.parse
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, cast
from zoneinfo import ZoneInfo

import yaml

from tests.slack import payloads

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"


def manifest_bot_scopes() -> list[str]:
    """The bot scopes the app's manifest asks for."""
    manifest = yaml.safe_load(MANIFEST.read_text())
    return list(manifest["oauth_config"]["scopes"]["bot"])


# Slack's documented limits.
MAX_TEXT_CHARS = 40_000
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_ATTACHMENTS = 100
MAX_TITLE_CHARS = 24
MAX_PRIVATE_METADATA_CHARS = 3000
MAX_ID_CHARS = 255

# Arguments that arrive as JSON-encoded strings in form posts ("presented as a URL-encoded string").
JSON_ARGUMENTS = frozenset({"blocks", "attachments", "view", "files", "metadata"})
# Slack's trigger_id format, e.g. "12345.98765.abcd2358fdea".
TRIGGER_ID = re.compile(r"\d+\.\d+\.[0-9a-fA-F]+")
# Methods Slack answers without a token.
UNAUTHENTICATED_METHODS = frozenset({"api.test"})
# Methods that take the app-level token (xapp-) instead of the bot token.
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})
# What Slack says alongside an HTTP-level failure.
HTTP_FAILURE_ERRORS = {429: "ratelimited", 503: "service_unavailable"}
SLACKBOT_USER_ID = "USLACKBOT"
FIRST_TS_SECONDS = 1_700_000_000
TZ_LABELS = {
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "CST": "Central Standard Time",
    "CDT": "Central Daylight Time",
    "MST": "Mountain Standard Time",
    "MDT": "Mountain Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
    "GMT": "Greenwich Mean Time",
    "BST": "British Summer Time",
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
    "UTC": "Coordinated Universal Time",
}

JsonObject = dict[str, Any]


@dataclass(frozen=True)
class Call:
    """One request the fake received: a Web API method, or a POST to a ``response_url``."""

    method: str
    args: JsonObject
    token: str | None = None
    # The HTTP status and Slack ``error`` answered; None when Slack said ok.
    status: int = 200
    error: str | None = None
    response: JsonObject = field(default_factory=dict, compare=False, repr=False)

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None


@dataclass(frozen=True)
class UploadedFile:
    """A file uploaded through files.getUploadURLExternal and files.completeUploadExternal."""

    id: str
    filename: str
    title: str
    content: bytes
    channel: str | None
    initial_comment: str | None = None


class SlackRefusal(Exception):
    """What a method answers ``{"ok": false, "error": ...}`` with."""

    def __init__(self, error: str, *messages: str, **details: str) -> None:
        super().__init__(error)
        self.error = error
        self.messages = list(messages)
        # Fields Slack adds beside the error, e.g. missing_scope's "needed" and "provided".
        self.details = details


@dataclass
class _Reply:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Rule:
    """An injected failure: an HTTP status, or a Slack error, for the next ``remaining`` calls
    (None: until cleared)."""

    remaining: int | None
    status: int = 200
    error: str = ""
    retry_after: int | None = None


@dataclass
class _User:
    id: str
    name: str
    real_name: str
    tz: str
    is_bot: bool
    deleted: bool


@dataclass
class _Conversation:
    id: str
    name: str
    is_private: bool = False
    is_member: bool = True
    is_archived: bool = False
    members: tuple[str, ...] = ()
    is_open: bool = False

    @property
    def is_im(self) -> bool:
        return self.id.startswith("D")

    @property
    def is_mpim(self) -> bool:
        return self.id.startswith("G") and len(self.members) > 1


@dataclass
class _PendingUpload:
    file_id: str
    filename: str
    length: int
    content: bytes | None = None


@dataclass(frozen=True)
class _Request:
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


Method = Callable[[JsonObject], JsonObject]


class FakeSlack:
    """Slack's Web API on a loopback port. Use as a context manager, or ``start()``/``stop()``."""

    def __init__(
        self,
        token: str,
        *,
        team_id: str = payloads.TEAM_ID,
        bot_user_id: str = payloads.BOT_USER_ID,
        bot_id: str = payloads.BOT_ID,
        latency: float = 0.0,
        scopes: Collection[str] | None = None,
    ) -> None:
        self.token = token
        # The bot token's scopes: by default exactly what manifest.yml asks for, so a method
        # the app starts calling without its scope in the manifest fails here as in Slack.
        self.scopes = frozenset(manifest_bot_scopes() if scopes is None else scopes)
        # Seconds each Web API call takes to answer, as real Slack's 100-500 ms do.
        self.latency = latency
        # Set by serve_socket_mode: the xapp- token and a FakeSocketMode's issue_url.
        self.app_token: str | None = None
        self._socket_mode_url: Callable[[], str] | None = None
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        # One condition guards all state; waiters in wait_for are woken on each call.
        self._changed = threading.Condition()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._serial = itertools.count(1)
        self._calls: list[Call] = []
        self._failures: dict[str, list[_Rule]] = {}
        self._errors: dict[str, list[_Rule]] = {}
        self._before: dict[str, Callable[[JsonObject], None]] = {}
        self._users: dict[str, _User] = {}
        self._conversations: dict[str, _Conversation] = {}
        self._usergroups: dict[str, tuple[str, ...]] = {}
        self._messages: dict[str, list[JsonObject]] = {}
        self._views: dict[str, JsonObject] = {}
        self._home_views: dict[str, JsonObject] = {}
        self._used_triggers: set[str] = set()
        self._response_paths: set[str] = set()
        self._uploads: dict[str, _PendingUpload] = {}
        self._files: list[UploadedFile] = []
        self._methods: dict[str, Method] = {
            "api.test": self._api_test,
            "apps.connections.open": self._apps_connections_open,
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
            "usergroups.users.list": self._usergroups_users_list,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.getPermalink": self._chat_get_permalink,
            "reactions.add": self._reactions_add,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
        }
        self._add_workspace_defaults()

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        if self._server is not None:
            raise RuntimeError("FakeSlack is already running")
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.name = f"fake-slack-{server.server_address[1]}"
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def root_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeSlack is not running: use start() or a with block")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self) -> str:
        """What ``WebClient(base_url=...)`` takes: ``http://127.0.0.1:PORT/api/``."""
        return f"{self.root_url}/api/"

    # -- the workspace --------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        real_name: str = "",
        tz: str = "America/Los_Angeles",
        is_bot: bool = False,
        deleted: bool = False,
    ) -> None:
        user = _User(user_id, name, real_name or name, tz, is_bot, deleted)
        with self._changed:
            self._users[user_id] = user
            if not is_bot:
                dm_id = payloads.dm_channel_id(user_id)
                self._conversations[dm_id] = _Conversation(dm_id, dm_id, members=(user_id,))

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        is_private: bool = False,
        is_member: bool = True,
        is_archived: bool = False,
        members: Sequence[str] = (),
    ) -> None:
        conversation = _Conversation(
            channel_id, name, is_private, is_member, is_archived, tuple(members)
        )
        with self._changed:
            self._conversations[channel_id] = conversation

    def set_channel_members(self, channel_id: str, members: Sequence[str]) -> None:
        """Who is in a channel now (what conversations.members answers)."""
        with self._changed:
            self._conversations[channel_id].members = tuple(members)

    def add_usergroup(self, usergroup_id: str, users: Sequence[str]) -> None:
        """A user group and its members (what usergroups.users.list answers)."""
        with self._changed:
            self._usergroups[usergroup_id] = tuple(users)

    def _add_workspace_defaults(self) -> None:
        """Every workspace has Slackbot, the app's own bot user and a general channel (the one
        the payload builders send commands from)."""
        self.add_user(SLACKBOT_USER_ID, "slackbot", real_name="Slackbot")
        self.add_user(self.bot_user_id, payloads.BOT_NAME, is_bot=True)
        self.add_channel(payloads.DEFAULT_CHANNEL_ID, "general")

    # -- what tests read ------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        with self._changed:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._changed:
            return [call for call in self._calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until at least ``count`` calls to ``method`` arrived; AssertionError if not."""
        with self._changed:
            arrived = self._changed.wait_for(
                lambda: len(self.calls_to(method)) >= count, timeout=timeout
            )
            calls = self.calls_to(method)
            if not arrived:
                seen = [call.method for call in self._calls]
                raise AssertionError(
                    f"expected {count} call(s) to {method} within {timeout}s, got {len(calls)}; "
                    f"calls so far: {seen}"
                )
            return calls

    def reset_calls(self) -> None:
        with self._changed:
            self._calls.clear()

    def messages(self, channel: str) -> list[JsonObject]:
        """The messages in ``channel`` (a conversation id, or a user id for their DM) as they
        stand after updates and deletes, oldest first."""
        if channel[:1] in ("U", "W"):
            channel = payloads.dm_channel_id(channel)
        with self._changed:
            return copy.deepcopy(self._messages.get(channel, []))

    @property
    def views(self) -> dict[str, JsonObject]:
        """view_id -> the current modal (opened, pushed or updated)."""
        with self._changed:
            return copy.deepcopy(self._views)

    @property
    def home_views(self) -> dict[str, JsonObject]:
        """user_id -> the home tab last published for them."""
        with self._changed:
            return copy.deepcopy(self._home_views)

    @property
    def files(self) -> list[UploadedFile]:
        with self._changed:
            return list(self._files)

    def response_url(self) -> str:
        """A fresh URL like Slack's ``https://hooks.slack.com/commands/T…/…/…``."""
        path = f"/commands/{self.team_id}/{next(self._serial)}/{secrets.token_hex(12)}"
        with self._changed:
            self._response_paths.add(path)
        return self.root_url + path

    # -- failure injection ----------------------------------------------------------------------

    def fail_next(
        self, method: str, *, status: int = 429, retry_after: int = 1, times: int | None = 1
    ) -> None:
        """Answer the next ``times`` calls to ``method`` (None: all of them, until
        ``clear_failures()``) with an HTTP error: 429 with ``Retry-After``, or a 5xx."""
        if status < 400:
            raise ValueError(f"an HTTP failure needs an error status, not {status}")
        error = HTTP_FAILURE_ERRORS.get(status, "internal_error")
        rule = _Rule(_check_times(times), status, error, retry_after if status == 429 else None)
        with self._changed:
            self._failures.setdefault(method, []).append(rule)

    def error_next(self, method: str, error: str, *, times: int | None = 1) -> None:
        """Answer the next ``times`` calls to ``method`` (None: all of them, until
        ``clear_failures()``) with ``{"ok": false, "error": error}``, changing nothing."""
        with self._changed:
            self._errors.setdefault(method, []).append(_Rule(_check_times(times), error=error))

    def before(self, method: str, callback: Callable[[JsonObject], None] | None) -> None:
        """Run ``callback(args)`` on the server's thread each time ``method`` is called, before
        it is answered (None removes it): to look at the app's state mid-call, as Slack
        sees it."""
        with self._changed:
            if callback is None:
                self._before.pop(method, None)
            else:
                self._before[method] = callback

    def serve_socket_mode(self, issue_url: Callable[[], str], *, app_token: str) -> None:
        """Answer apps.connections.open, called with the app-level ``app_token``, with
        ``issue_url()``: a FakeSocketMode's WebSocket URLs."""
        if not app_token.startswith("xapp-"):
            raise ValueError(f"an app-level token starts with xapp-, not {app_token[:5]!r}")
        with self._changed:
            self.app_token = app_token
            self._socket_mode_url = issue_url

    def clear_failures(self) -> None:
        with self._changed:
            self._failures.clear()
            self._errors.clear()

    # -- HTTP routing (called from the server's threads) ----------------------------------------

    def _route(self, request: _Request) -> _Reply:
        if request.path.startswith("/api/"):
            return self._serve_api(request.path.removeprefix("/api/"), request)
        with self._changed:
            is_response_url = request.path in self._response_paths
        if is_response_url:
            return self._serve_response_url(request)
        if request.path.startswith("/upload/v1/"):
            return self._serve_upload(request.path.removeprefix("/upload/v1/"), request)
        return _text_reply(404, "no_service")

    def _serve_api(self, method: str, request: _Request) -> _Reply:
        if self.latency > 0:
            time.sleep(self.latency)
        token = _bearer_token(request.header("Authorization"))
        with self._changed:
            callback = self._before.get(method)
        if callback is not None:
            # Outside the lock: the callback may wait on the app, which may call Slack.
            try:
                args = _parse_args(request)
            except SlackRefusal:
                args = {}
            callback(args)
        with self._changed:
            try:
                args = _parse_args(request)
            except SlackRefusal as refusal:
                args, outcome = {}, _refused(refusal)
            else:
                token = token or _pop_str(args, "token")
                outcome = self._answer(method, args, token, request)
            self._record(Call(method, args, token, outcome.status, outcome.error, outcome.data))
        return outcome.reply()

    def _answer(
        self, method: str, args: JsonObject, token: str | None, request: _Request
    ) -> _Outcome:
        handler = self._methods.get(method)
        if handler is None:
            return _refused(SlackRefusal("unknown_method"), req_method=method)
        failure = _take(self._failures, method)
        if failure is not None:
            return _http_failure(failure)
        if method not in UNAUTHENTICATED_METHODS:
            refusal = self._token_refusal(method, token)
            if refusal is not None:
                return _refused(refusal)
        injected = _take(self._errors, method)
        if injected is not None:
            return _refused(SlackRefusal(injected.error))
        try:
            data = handler(args)
        except SlackRefusal as refusal:
            return _refused(refusal)
        return _succeeded(data, _warnings(request))

    def _token_refusal(self, method: str, token: str | None) -> SlackRefusal | None:
        """Slack's answer to the wrong kind of token: an app-level token where a bot token is
        needed and the other way round, or a token it does not know."""
        wanted = self.app_token if method in APP_TOKEN_METHODS else self.token
        other = self.token if method in APP_TOKEN_METHODS else self.app_token
        if not token:
            return SlackRefusal("not_authed")
        if token == wanted:
            return None
        if token == other:
            return SlackRefusal("not_allowed_token_type")
        return SlackRefusal("invalid_auth")

    def _serve_response_url(self, request: _Request) -> _Reply:
        with self._changed:
            failure = _take(self._failures, "response_url")
            try:
                body = _json_object(request.body)
            except SlackRefusal:
                outcome = _Outcome(
                    400, {"ok": False, "error": "invalid_payload"}, "invalid_payload"
                )
                body = {"raw": request.body.decode("utf-8", "replace")}
            else:
                outcome = _http_failure(failure) if failure else _succeeded({}, [])
            self._record(Call("response_url", body, None, outcome.status, outcome.error))
        return outcome.reply()

    def _serve_upload(self, key: str, request: _Request) -> _Reply:
        with self._changed:
            upload = self._uploads.get(key)
            if upload is None:
                return _text_reply(404, "not_found")
            upload.content = request.body
        return _text_reply(200, f"OK - {len(request.body)}")

    def _record(self, call: Call) -> None:
        self._calls.append(call)
        self._changed.notify_all()

    # -- ids ------------------------------------------------------------------------------------

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}0{next(self._serial):08d}"

    def _new_ts(self) -> str:
        """Unique and increasing, shaped like Slack's "1700000000.000100"."""
        n = next(self._serial)
        return f"{FIRST_TS_SECONDS + n // 10_000}.{n % 10_000 * 100:06d}"

    def _new_hash(self) -> str:
        return f"{FIRST_TS_SECONDS}.{secrets.token_hex(4)}"

    # -- auth, users, conversations -------------------------------------------------------------

    def _api_test(self, args: JsonObject) -> JsonObject:
        if "error" in args:
            raise SlackRefusal(str(args["error"]))
        return {"args": args}

    def _apps_connections_open(self, args: JsonObject) -> JsonObject:
        if self._socket_mode_url is None:
            raise SlackRefusal(
                "internal_error", "the fake serves no Socket Mode: call serve_socket_mode() first"
            )
        return {"url": self._socket_mode_url()}

    def _auth_test(self, args: JsonObject) -> JsonObject:
        return {
            "url": f"https://{payloads.TEAM_DOMAIN}.slack.com/",
            "team": payloads.TEAM_NAME,
            "user": payloads.BOT_NAME,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _users_info(self, args: JsonObject) -> JsonObject:
        user = self._users.get(str(args.get("user", "")))
        if user is None:
            raise SlackRefusal("user_not_found")
        found = self._user_object(user)
        if _flag(args.get("include_locale")):
            found["locale"] = "en-US"
        return {"user": found}

    def _conversations_open(self, args: JsonObject) -> JsonObject:
        if args.get("channel"):
            conversation = self._conversations.get(str(args["channel"]))
            if conversation is None or not (conversation.is_im or conversation.is_mpim):
                raise SlackRefusal("channel_not_found")
        else:
            users = _id_list(args.get("users"))
            self._require_scope("mpim:write" if len(set(users)) > 1 else "im:write")
            conversation = self._conversation_with(users)
        already_open = conversation.is_open
        conversation.is_open = True
        found = self._conversation_object(conversation) if _flag(args.get("return_im")) else {}
        opened: JsonObject = {"no_op": True, "already_open": True} if already_open else {}
        return {**opened, "channel": {"id": conversation.id, **found}}

    def _require_scope(self, needed: str) -> None:
        if needed not in self.scopes:
            raise SlackRefusal(
                "missing_scope", needed=needed, provided=",".join(sorted(self.scopes))
            )

    def _conversation_with(self, user_ids: list[str]) -> _Conversation:
        if not user_ids:
            raise SlackRefusal("users_list_not_supplied")
        for user_id in user_ids:
            self._check_reachable(user_id)
        if len(user_ids) == 1:
            return self._conversations[payloads.dm_channel_id(user_ids[0])]
        group_id = payloads.conversation_id_for(user_ids)
        members = (*sorted(set(user_ids)), self.bot_user_id)
        return self._conversations.setdefault(
            group_id, _Conversation(group_id, group_id, True, members=members)
        )

    def _check_reachable(self, user_id: str) -> _User:
        user = self._users.get(user_id)
        if user is None:
            raise SlackRefusal("user_not_found")
        if user.deleted:
            raise SlackRefusal("user_disabled")
        if user.is_bot:
            raise SlackRefusal("cannot_dm_bot")
        return user

    def _conversations_info(self, args: JsonObject) -> JsonObject:
        conversation = self._conversations.get(str(args.get("channel", "")))
        if conversation is None:
            raise SlackRefusal("channel_not_found")
        return {"channel": self._conversation_object(conversation)}

    def _conversations_members(self, args: JsonObject) -> JsonObject:
        """A page of a channel's member ids; ``next_cursor`` (an offset, opaque to callers) is
        empty on the last page. A private channel the app is not in is ``channel_not_found``,
        as in Slack."""
        conversation = self._conversations.get(_require(args, "channel"))
        if conversation is None or (conversation.is_private and not conversation.is_member):
            raise SlackRefusal("channel_not_found")
        limit = int(args.get("limit") or 100)
        if not 1 <= limit <= 1000:
            raise SlackRefusal("invalid_limit")
        cursor = str(args.get("cursor") or "")
        if cursor and not cursor.startswith("offset:"):
            raise SlackRefusal("invalid_cursor")
        start = int(cursor.removeprefix("offset:") or 0)
        members = list(conversation.members)
        page = members[start : start + limit]
        following = start + limit
        next_cursor = f"offset:{following}" if following < len(members) else ""
        return {"members": page, "response_metadata": {"next_cursor": next_cursor}}

    def _usergroups_users_list(self, args: JsonObject) -> JsonObject:
        users = self._usergroups.get(_require(args, "usergroup"))
        if users is None:
            raise SlackRefusal("no_such_subteam")
        return {"users": list(users)}

    def _resolve_channel(self, channel: Any, *, users_allowed: bool = True) -> str:
        """The conversation a message goes to: a user id means the app's DM with them (Slack
        opens it; a deactivated user's DM still takes messages), else an id or a name."""
        channel = str(channel or "")
        if users_allowed and channel[:1] in ("U", "W"):
            user = self._users.get(channel)
            if user is None:
                raise SlackRefusal("channel_not_found")
            if user.is_bot:
                raise SlackRefusal("cannot_dm_bot")
            dm = self._conversations[payloads.dm_channel_id(channel)]
            dm.is_open = True
            return dm.id
        conversation = self._conversations.get(channel) or self._conversation_named(channel)
        if conversation is None:
            raise SlackRefusal("channel_not_found")
        if conversation.is_archived:
            raise SlackRefusal("is_archived")
        if not conversation.is_member:
            raise SlackRefusal("not_in_channel")
        return conversation.id

    def _conversation_named(self, name: str) -> _Conversation | None:
        name = name.removeprefix("#")
        found = (c for c in self._conversations.values() if not c.is_im and c.name == name)
        return next(found, None)

    # -- chat -----------------------------------------------------------------------------------

    def _chat_post_message(self, args: JsonObject) -> JsonObject:
        channel = self._resolve_channel(args.get("channel"))
        _check_content(args)
        ts = self._new_ts()
        message = self._bot_message(args, ts)
        self._messages.setdefault(channel, []).append(message)
        return {"channel": channel, "ts": ts, "message": copy.deepcopy(message)}

    def _chat_update(self, args: JsonObject) -> JsonObject:
        channel = self._resolve_channel(args.get("channel"), users_allowed=False)
        message = self._find_message(channel, args.get("ts"))
        _check_content(args)
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in args:
                message[key] = copy.deepcopy(args[key])
        message["edited"] = {"user": self.bot_user_id, "ts": self._new_ts()}
        shown = {k: v for k, v in message.items() if k not in ("ts", "edited")}
        return {"channel": channel, "ts": message["ts"], "text": message["text"], "message": shown}

    def _chat_delete(self, args: JsonObject) -> JsonObject:
        channel = self._resolve_channel(args.get("channel"), users_allowed=False)
        message = self._find_message(channel, args.get("ts"))
        self._messages[channel].remove(message)
        return {"channel": channel, "ts": message["ts"]}

    def _chat_post_ephemeral(self, args: JsonObject) -> JsonObject:
        channel = self._resolve_channel(args.get("channel"))
        user_id = _require(args, "user")
        conversation = self._conversations.get(channel)
        if user_id not in self._users or (
            conversation and conversation.is_im and user_id not in conversation.members
        ):
            raise SlackRefusal("user_not_in_channel")
        _check_content(args)
        return {"message_ts": self._new_ts()}

    def _chat_get_permalink(self, args: JsonObject) -> JsonObject:
        channel = self._resolve_channel(args.get("channel"), users_allowed=False)
        message = self._find_message(channel, args.get("message_ts"))
        ts = str(message["ts"]).replace(".", "")
        url = f"https://{payloads.TEAM_DOMAIN}.slack.com/archives/{channel}/p{ts}"
        return {"channel": channel, "permalink": url}

    def _reactions_add(self, args: JsonObject) -> JsonObject:
        channel = self._resolve_channel(args.get("channel"), users_allowed=False)
        message = self._find_message(channel, args.get("timestamp"))
        name = _require(args, "name")
        reactions: list[JsonObject] = message.setdefault("reactions", [])
        if any(r["name"] == name for r in reactions):
            raise SlackRefusal("already_reacted")
        reactions.append({"name": name, "users": [self.bot_user_id], "count": 1})
        return {}

    def _find_message(self, channel: str, ts: Any) -> JsonObject:
        found = (m for m in self._messages.get(channel, []) if m["ts"] == ts)
        message = next(found, None)
        if message is None:
            raise SlackRefusal("message_not_found")
        return message

    def _bot_message(self, args: JsonObject, ts: str) -> JsonObject:
        message: JsonObject = {
            "bot_id": self.bot_id,
            "type": "message",
            "text": str(args.get("text") or ""),
            "user": self.bot_user_id,
            "ts": ts,
            "app_id": payloads.API_APP_ID,
            "blocks": copy.deepcopy(args.get("blocks") or []),
            "team": self.team_id,
            "bot_profile": self._bot_profile(),
        }
        for key in ("attachments", "thread_ts", "metadata"):
            if args.get(key):
                message[key] = copy.deepcopy(args[key])
        return message

    # -- views ----------------------------------------------------------------------------------

    def _views_open(self, args: JsonObject) -> JsonObject:
        view = _check_view(args.get("view"), "modal")
        view_id = self._new_id("V")
        self._check_external_id(view, view_id)
        self._exchange_trigger(args)
        stored = self._store_view(view, view_id, root_view_id=None, previous_view_id=None)
        return {"view": stored}

    def _views_push(self, args: JsonObject) -> JsonObject:
        # The fake does not know which modal the trigger came from, so the stack is not modelled.
        return self._views_open(args)

    def _views_update(self, args: JsonObject) -> JsonObject:
        current = self._find_view(args)
        view = _check_view(args.get("view"), "modal")
        if args.get("hash") and args["hash"] != current["hash"]:
            raise SlackRefusal("hash_conflict")
        stored = self._store_view(
            view,
            current["id"],
            root_view_id=current["root_view_id"],
            previous_view_id=current["previous_view_id"],
        )
        return {"view": stored}

    def _views_publish(self, args: JsonObject) -> JsonObject:
        user_id = _require(args, "user_id")
        if user_id not in self._users:
            raise SlackRefusal("user_not_found")
        view = _check_view(args.get("view"), "home")
        current = self._home_views.get(user_id)
        if current is not None and args.get("hash") and args["hash"] != current["hash"]:
            raise SlackRefusal("hash_conflict")
        view_id = current["id"] if current else self._new_id("V")
        built = self._view_object(view, view_id, root_view_id=None, previous_view_id=None)
        self._home_views[user_id] = built
        return {"view": copy.deepcopy(built)}

    def _exchange_trigger(self, args: JsonObject) -> None:
        trigger = str(args.get("trigger_id") or args.get("interactivity_pointer") or "")
        if not trigger:
            raise SlackRefusal("invalid_arguments", "[ERROR] missing required field: trigger_id")
        if not TRIGGER_ID.fullmatch(trigger):
            raise SlackRefusal("invalid_trigger_id")
        if trigger in self._used_triggers:
            raise SlackRefusal("exchanged_trigger_id")
        self._used_triggers.add(trigger)

    def _find_view(self, args: JsonObject) -> JsonObject:
        view_id, external_id = args.get("view_id"), args.get("external_id")
        if not view_id and not external_id:
            raise SlackRefusal(
                "invalid_arguments", "[ERROR] either view_id or external_id is required"
            )
        for view in self._views.values():
            if (view_id and view["id"] == view_id) or (
                external_id and view["external_id"] == external_id
            ):
                return view
        raise SlackRefusal("not_found")

    def _store_view(
        self,
        view: JsonObject,
        view_id: str,
        *,
        root_view_id: str | None,
        previous_view_id: str | None,
    ) -> JsonObject:
        self._check_external_id(view, view_id)
        built = self._view_object(
            view, view_id, root_view_id=root_view_id, previous_view_id=previous_view_id
        )
        self._views[view_id] = built
        return copy.deepcopy(built)

    def _check_external_id(self, view: JsonObject, view_id: str) -> None:
        external_id = view.get("external_id")
        if external_id and any(
            v["external_id"] == external_id and v["id"] != view_id for v in self._views.values()
        ):
            raise SlackRefusal("duplicate_external_id")

    def _view_object(
        self,
        view: JsonObject,
        view_id: str,
        *,
        root_view_id: str | None,
        previous_view_id: str | None,
    ) -> JsonObject:
        """A view as Slack returns it, shaped on views.open.json / views.publish.json."""
        built: JsonObject = {"id": view_id, "team_id": self.team_id, "type": view["type"]}
        if view["type"] == "modal":
            built["title"] = copy.deepcopy(view["title"])
        built.update(
            {
                "close": copy.deepcopy(view.get("close")),
                "submit": copy.deepcopy(view.get("submit")),
                "blocks": copy.deepcopy(view.get("blocks", [])),
                "private_metadata": str(view.get("private_metadata", "")),
                "callback_id": str(view.get("callback_id", "")),
                "external_id": str(view.get("external_id", "")),
                "state": {"values": {}},
                "hash": self._new_hash(),
                "clear_on_close": bool(view.get("clear_on_close", False)),
                "notify_on_close": bool(view.get("notify_on_close", False)),
                "root_view_id": root_view_id or view_id,
                "previous_view_id": previous_view_id,
                "app_id": payloads.API_APP_ID,
                "app_installed_team_id": self.team_id,
                "bot_id": self.bot_id,
            }
        )
        return built

    # -- files ----------------------------------------------------------------------------------

    def _files_get_upload_url(self, args: JsonObject) -> JsonObject:
        filename = _require(args, "filename")
        try:
            length = int(args.get("length", ""))
        except ValueError:
            length = 0
        if length <= 0:
            raise SlackRefusal("invalid_arguments", "[ERROR] length must be a positive integer")
        key = secrets.token_urlsafe(12)
        upload = _PendingUpload(self._new_id("F"), filename, length)
        self._uploads[key] = upload
        return {"upload_url": f"{self.root_url}/upload/v1/{key}", "file_id": upload.file_id}

    def _files_complete_upload(self, args: JsonObject) -> JsonObject:
        entries = args.get("files")
        if not isinstance(entries, list) or not entries:
            raise SlackRefusal("invalid_arguments", "[ERROR] missing required field: files")
        channel_ids = _id_list(args.get("channels")) or _id_list(args.get("channel_id"))
        channels = [self._resolve_channel(c, users_allowed=False) for c in channel_ids]
        keys = [self._completed_upload(entry) for entry in entries]
        uploads = [self._uploads.pop(key) for key in keys]
        comment = str(args["initial_comment"]) if args.get("initial_comment") else None
        shared = [
            self._share(upload, str(entry.get("title") or upload.filename), channels, comment)
            for upload, entry in zip(uploads, entries, strict=True)
        ]
        if channels:
            self._post_files_message(channels, shared, comment, args.get("thread_ts"))
        return {"files": shared}

    def _completed_upload(self, entry: Any) -> str:
        """The upload key of a files entry whose bytes arrived; each completes once."""
        file_id = entry.get("id") if isinstance(entry, dict) else None
        found = (
            key
            for key, upload in self._uploads.items()
            if upload.file_id == file_id and upload.content is not None
        )
        key = next(found, None)
        if key is None:
            raise SlackRefusal("file_not_found")
        return key

    def _share(
        self, upload: _PendingUpload, title: str, channels: list[str], comment: str | None
    ) -> JsonObject:
        content = upload.content or b""
        self._files.append(
            UploadedFile(
                upload.file_id,
                upload.filename,
                title,
                content,
                channels[0] if channels else None,
                comment,
            )
        )
        return {
            "id": upload.file_id,
            "created": FIRST_TS_SECONDS,
            "name": upload.filename,
            "title": title,
            "mimetype": "application/octet-stream",
            "filetype": upload.filename.rsplit(".", 1)[-1] if "." in upload.filename else "binary",
            "user": self.bot_user_id,
            "size": len(content),
            "url_private": f"https://files.slack.com/files-pri/{self.team_id}-{upload.file_id}/{upload.filename}",
            "permalink": f"https://{payloads.TEAM_DOMAIN}.slack.com/files/{self.bot_user_id}/{upload.file_id}/{upload.filename}",
            "channels": [c for c in channels if c.startswith("C")],
            "ims": [c for c in channels if c.startswith("D")],
            "groups": [c for c in channels if c.startswith("G")],
        }

    def _post_files_message(
        self, channels: list[str], shared: list[JsonObject], comment: str | None, thread_ts: Any
    ) -> None:
        for channel in channels:
            args: JsonObject = {"text": comment or "", "thread_ts": thread_ts}
            message = self._bot_message(args, self._new_ts())
            message["files"] = copy.deepcopy(shared)
            message["upload"] = True
            self._messages.setdefault(channel, []).append(message)

    # -- object shapes --------------------------------------------------------------------------

    def _user_object(self, user: _User) -> JsonObject:
        """A user as users.info returns it, shaped on users.info.json."""
        zone = ZoneInfo(user.tz)
        now = datetime.now(zone)
        offset = now.utcoffset()
        avatar = f"https://avatars.slack-edge.com/example/{user.id.lower()}"
        first, _, last = user.real_name.partition(" ")
        profile: JsonObject = {
            "title": "",
            "phone": "",
            "skype": "",
            "real_name": user.real_name,
            "real_name_normalized": user.real_name,
            "display_name": user.name,
            "display_name_normalized": user.name,
            "status_text": "",
            "status_emoji": "",
            "status_expiration": 0,
            "avatar_hash": secrets.token_hex(6),
            **{f"image_{size}": f"{avatar}_{size}.jpg" for size in (24, 32, 48, 72, 192, 512)},
            "status_text_canonical": "",
            "team": self.team_id,
            "first_name": first,
            "last_name": last,
        }
        if user.is_bot:
            profile.update(bot_id=self.bot_id if user.id == self.bot_user_id else f"B{user.id[1:]}")
        else:
            profile["email"] = f"{user.name}@example.org"
        return {
            "id": user.id,
            "team_id": self.team_id,
            "name": user.name,
            "deleted": user.deleted,
            "color": "9f69e7",
            "real_name": user.real_name,
            "tz": user.tz,
            "tz_label": TZ_LABELS.get(now.tzname() or "", now.tzname() or user.tz),
            "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
            "profile": profile,
            "is_admin": False,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": user.is_bot,
            "is_app_user": False,
            "updated": FIRST_TS_SECONDS,
            "is_email_confirmed": not user.is_bot,
            "who_can_share_contact_card": "EVERYONE",
        }

    def _conversation_object(self, conversation: _Conversation) -> JsonObject:
        """A conversation as conversations.info / conversations.open return it."""
        common: JsonObject = {
            "id": conversation.id,
            "created": FIRST_TS_SECONDS,
            "is_archived": conversation.is_archived,
            "is_org_shared": False,
            "context_team_id": self.team_id,
            "updated": FIRST_TS_SECONDS * 1000,
        }
        if conversation.is_im:
            return {
                **common,
                "is_im": True,
                "user": conversation.members[0],
                "is_open": conversation.is_open,
                "last_read": "0000000000.000000",
                "priority": 0,
            }
        return {
            **common,
            "name": conversation.name,
            "name_normalized": conversation.name,
            "is_channel": not conversation.is_private,
            "is_group": conversation.is_private and not conversation.is_mpim,
            "is_im": False,
            "is_mpim": conversation.is_mpim,
            "is_private": conversation.is_private,
            "is_general": conversation.id == payloads.DEFAULT_CHANNEL_ID,
            "is_shared": False,
            "is_ext_shared": False,
            "is_member": conversation.is_member,
            "creator": self.bot_user_id,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
            "previous_names": [],
        }

    def _bot_profile(self) -> JsonObject:
        icons = "https://a.slack-edge.com/80588/img/plugins/app"
        return {
            "id": self.bot_id,
            "deleted": False,
            "name": payloads.BOT_NAME,
            "updated": FIRST_TS_SECONDS,
            "app_id": payloads.API_APP_ID,
            "icons": {
                "image_36": f"{icons}/bot_36.png",
                "image_48": f"{icons}/bot_48.png",
                "image_72": f"{icons}/service_72.png",
            },
            "team_id": self.team_id,
        }


# -- outcomes --------------------------------------------------------------------------------------


@dataclass
class _Outcome:
    status: int
    data: JsonObject
    error: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def reply(self) -> _Reply:
        body = json.dumps(self.data, ensure_ascii=False).encode("utf-8")
        headers = {"X-Slack-Req-Id": secrets.token_hex(16), **self.headers}
        return _Reply(self.status, body, headers=headers)


def _succeeded(data: JsonObject, warnings: list[str]) -> _Outcome:
    body: JsonObject = {"ok": True, **data}
    if warnings:
        body["warning"] = ",".join(warnings)
        body["response_metadata"] = {"warnings": warnings}
    return _Outcome(200, body)


def _refused(refusal: SlackRefusal, **extra: Any) -> _Outcome:
    body: JsonObject = {"ok": False, "error": refusal.error, **refusal.details, **extra}
    if refusal.messages:
        body["response_metadata"] = {"messages": refusal.messages}
    return _Outcome(200, body, refusal.error)


def _http_failure(rule: _Rule) -> _Outcome:
    headers = {} if rule.retry_after is None else {"Retry-After": str(rule.retry_after)}
    return _Outcome(rule.status, {"ok": False, "error": rule.error}, rule.error, headers)


def _text_reply(status: int, text: str) -> _Reply:
    return _Reply(status, text.encode("utf-8"), "text/plain; charset=utf-8")


def _take(rules: dict[str, list[_Rule]], method: str) -> _Rule | None:
    queue = rules.get(method)
    if not queue:
        return None
    rule = queue[0]
    if rule.remaining is not None:
        rule.remaining -= 1
        if rule.remaining <= 0:
            queue.pop(0)
    return rule


def _check_times(times: int | None) -> int | None:
    if times is not None and times < 1:
        raise ValueError(f"times must be at least 1, or None for every call; got {times}")
    return times


# -- request parsing -------------------------------------------------------------------------------


def _bearer_token(authorization: str) -> str | None:
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _parse_args(request: _Request) -> JsonObject:
    """Query string and body (JSON or form-encoded), JSON-encoded string fields decoded."""
    args: JsonObject = dict(urllib.parse.parse_qsl(request.query, keep_blank_values=True))
    kind = request.header("Content-Type").split(";")[0].strip().lower()
    if kind == "application/json":
        args.update(_json_object(request.body))
    elif kind == "multipart/form-data":
        raise SlackRefusal("invalid_form_data", "the fake does not read multipart bodies")
    elif request.body:
        form = urllib.parse.parse_qsl(request.body.decode("utf-8"), keep_blank_values=True)
        args.update(form)
    return {name: _decoded(name, value) for name, value in args.items()}


def _json_object(body: bytes) -> JsonObject:
    try:
        data = json.loads(body or b"{}")
    except ValueError as error:
        raise SlackRefusal("invalid_json") from error
    if not isinstance(data, dict):
        raise SlackRefusal("json_not_object")
    return cast(JsonObject, data)


def _decoded(name: str, value: Any) -> Any:
    if name in JSON_ARGUMENTS and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _warnings(request: _Request) -> list[str]:
    content_type = request.header("Content-Type").lower()
    if content_type.startswith("application/json") and "charset" not in content_type:
        return ["missing_charset"]
    return []


def _pop_str(args: JsonObject, name: str) -> str | None:
    value = args.pop(name, None)
    return str(value) if value else None


def _require(args: JsonObject, name: str) -> str:
    value = args.get(name)
    if not value:
        raise SlackRefusal("invalid_arguments", f"[ERROR] missing required field: {name}")
    return str(value)


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true")


def _id_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(item) for item in value]
    return [part.strip() for part in str(value or "").split(",") if part.strip()]


# -- validation ------------------------------------------------------------------------------------


def _check_content(args: JsonObject) -> None:
    """What chat.postMessage and chat.update refuse: no content, bad blocks, too much text."""
    if not (args.get("text") or args.get("blocks") or args.get("attachments")):
        raise SlackRefusal("no_text")
    if "blocks" in args:
        problems = _block_problems(args["blocks"], MAX_MESSAGE_BLOCKS, "/blocks")
        if problems:
            raise SlackRefusal("invalid_blocks", *problems)
    if len(str(args.get("text") or "")) > MAX_TEXT_CHARS:
        raise SlackRefusal("msg_too_long")
    attachments = args.get("attachments")
    if isinstance(attachments, list) and len(attachments) > MAX_ATTACHMENTS:
        raise SlackRefusal("too_many_attachments")


def _block_problems(blocks: Any, limit: int, pointer: str) -> list[str]:
    if not isinstance(blocks, list):
        return [f"[ERROR] must be an array of blocks [json-pointer:{pointer}]"]
    problems: list[str] = []
    if len(blocks) > limit:
        problems.append(f"[ERROR] no more than {limit} items allowed [json-pointer:{pointer}]")
    block_ids: set[str] = set()
    for index, block in enumerate(blocks):
        where = f"[json-pointer:{pointer}/{index}]"
        if (
            not isinstance(block, dict)
            or not isinstance(block.get("type"), str)
            or not block["type"]
        ):
            problems.append(f"[ERROR] missing required field: type {where}")
        elif block.get("block_id") in block_ids:
            problems.append(f"[ERROR] duplicate block_id: {block['block_id']} {where}")
        elif block.get("block_id"):
            block_ids.add(str(block["block_id"]))
    return problems


def _check_view(view: Any, kind: str) -> JsonObject:
    """The view, or invalid_arguments with Slack's messages about what is wrong with it."""
    if not isinstance(view, dict):
        raise SlackRefusal(
            "invalid_arguments", "[ERROR] failed to match all allowed schemas [json-pointer:/view]"
        )
    problems = _view_problems(view, kind)
    if problems:
        raise SlackRefusal("invalid_arguments", *problems)
    return cast(JsonObject, view)


def _view_problems(view: JsonObject, kind: str) -> list[str]:
    if "type" not in view:
        return ["[ERROR] missing required field: type [json-pointer:/view]"]
    if view["type"] != kind:
        return [f"[ERROR] must be '{kind}' [json-pointer:/view/type]"]
    problems: list[str] = []
    if "blocks" not in view:
        problems.append("[ERROR] missing required field: blocks [json-pointer:/view]")
    else:
        problems += _block_problems(view["blocks"], MAX_VIEW_BLOCKS, "/view/blocks")
    if kind == "modal":
        problems += _modal_problems(view)
    for name, limit in (
        ("private_metadata", MAX_PRIVATE_METADATA_CHARS),
        ("callback_id", MAX_ID_CHARS),
        ("external_id", MAX_ID_CHARS),
    ):
        if len(str(view.get(name, ""))) > limit:
            problems.append(
                f"[ERROR] must be at most {limit} characters [json-pointer:/view/{name}]"
            )
    return problems


def _modal_problems(view: JsonObject) -> list[str]:
    problems: list[str] = []
    if "title" not in view:
        problems.append("[ERROR] missing required field: title [json-pointer:/view]")
    for name in ("title", "submit", "close"):
        text = view.get(name)
        if text is None:
            continue
        if not isinstance(text, dict) or text.get("type") != "plain_text":
            problems.append(f"[ERROR] must be a plain_text object [json-pointer:/view/{name}]")
        elif len(str(text.get("text", ""))) > MAX_TITLE_CHARS:
            problems.append(
                f"[ERROR] must be less than {MAX_TITLE_CHARS + 1} characters "
                f"[json-pointer:/view/{name}/text]"
            )
    blocks = view.get("blocks")
    has_inputs = isinstance(blocks, list) and any(
        isinstance(b, dict) and b.get("type") == "input" for b in blocks
    )
    if has_inputs and not view.get("submit"):
        problems.append(
            "[ERROR] must provide a submit property when using input blocks [json-pointer:/view]"
        )
    return problems


# -- the HTTP server -------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeSlack


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        request = _Request(url.path, url.query, headers, body)
        reply = cast(_Server, self.server).fake._route(request)
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the recorded calls say what happened."""
