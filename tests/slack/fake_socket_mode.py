"""The loopback Socket Mode side of Slack: a WebSocket server on 127.0.0.1 (standard library
only) whose ``ws://127.0.0.1:PORT/link/?ticket=…`` URLs FakeSlack's ``apps.connections.open``
hands out. It greets each connection with ``hello``, sends envelopes shaped like Slack's
(``slash_commands``, ``interactive``, ``events_api``), and records every ack with how long it
took, so tests can hold the app to Slack's three seconds."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import secrets
import socket
import struct
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from tests.slack import payloads

JsonObject = dict[str, Any]

# Slack retries an envelope that is not acked within three seconds.
ACK_DEADLINE_SECONDS = 3.0
# RFC 6455: the GUID a server appends to Sec-WebSocket-Key to prove it speaks WebSocket.
_WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_OPCODE_TEXT, _OPCODE_CLOSE, _OPCODE_PING, _OPCODE_PONG = 0x1, 0x8, 0x9, 0xA
_LINK_PATH = "/link/"
_MAX_HANDSHAKE_BYTES = 16_384
_MAX_FRAME_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Envelope:
    """One envelope the fake sent, and when (``time.monotonic()``)."""

    envelope_id: str
    type: str
    message: JsonObject
    sent_at: float


@dataclass(frozen=True)
class Ack:
    """The app's acknowledgement of an envelope: its optional ``payload`` (an ephemeral reply, a
    modal's ``response_action``) and how many seconds after sending it arrived."""

    envelope_id: str
    payload: JsonObject | None
    seconds: float


class ProtocolError(Exception):
    """The client broke the WebSocket protocol; the connection is closed."""


class _ClosedByClient(Exception):
    """The client closed its socket (slack_sdk's client closes without a close frame)."""


class FakeSocketMode:
    """Slack's Socket Mode on a loopback port. Use as a context manager, or ``start()``/
    ``stop()``; hand ``issue_url`` to ``FakeSlack.serve_socket_mode``."""

    def __init__(
        self, *, app_id: str = payloads.API_APP_ID, ack_deadline: float = ACK_DEADLINE_SECONDS
    ) -> None:
        self.app_id = app_id
        self.ack_deadline = ack_deadline
        self._changed = threading.Condition()
        self._listener: socket.socket | None = None
        self._accepting: threading.Thread | None = None
        self._stopping = threading.Event()
        self._tickets: set[str] = set()
        self._connections: list[_Connection] = []
        # Connections told to disconnect, closed when the next one is greeted.
        self._retiring: list[_Connection] = []
        self._hellos = 0
        self._sent: dict[str, Envelope] = {}
        self._acks: dict[str, Ack] = {}
        self._problems: list[str] = []
        self._refused_handshakes: list[int] = []

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> FakeSocketMode:
        if self._listener is not None:
            raise RuntimeError("FakeSocketMode is already running")
        listener = socket.create_server(("127.0.0.1", 0))
        listener.settimeout(0.05)
        self._listener = listener
        self._stopping.clear()
        self._accepting = threading.Thread(
            target=self._accept_loop, name=f"fake-socket-mode-{self.port}", daemon=True
        )
        self._accepting.start()
        return self

    def stop(self) -> None:
        if self._listener is None:
            return
        self._stopping.set()
        if self._accepting is not None:
            self._accepting.join(timeout=5)
        self._listener.close()
        self.close_connections()
        self._listener = self._accepting = None

    def __enter__(self) -> FakeSocketMode:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._listener is None:
            raise RuntimeError("FakeSocketMode is not running: use start() or a with block")
        return int(self._listener.getsockname()[1])

    def issue_url(self) -> str:
        """A fresh single-use WebSocket URL, as ``apps.connections.open`` answers."""
        ticket = str(uuid.uuid4())
        with self._changed:
            self._tickets.add(ticket)
        query = urllib.parse.urlencode({"ticket": ticket, "app_id": self.app_id})
        return f"ws://127.0.0.1:{self.port}{_LINK_PATH}?{query}"

    # -- connections ----------------------------------------------------------------------------

    @property
    def connections(self) -> list[_Connection]:
        with self._changed:
            return list(self._connections)

    @property
    def open_connections(self) -> int:
        return sum(1 for c in self.connections if c.is_open)

    @property
    def refused_handshakes(self) -> list[int]:
        """The HTTP status of each handshake refused (an unknown or reused ticket, a bad path)."""
        with self._changed:
            return list(self._refused_handshakes)

    def wait_connected(self, count: int = 1, timeout: float = 10.0) -> None:
        """Block until ``count`` connections were greeted with ``hello``."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._hellos >= count, timeout=timeout):
                raise AssertionError(
                    f"expected {count} Socket Mode connection(s) within {timeout}s, "
                    f"got {self._hellos}"
                )

    # -- what Slack sends -----------------------------------------------------------------------

    def send_envelope(
        self,
        envelope_type: str,
        payload: JsonObject,
        *,
        accepts_response_payload: bool,
        retry_attempt: int | None = None,
        retry_reason: str | None = None,
    ) -> str:
        """Send an envelope to the newest open connection; its envelope_id."""
        envelope_id = str(uuid.uuid4())
        message: JsonObject = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": envelope_type,
            "accepts_response_payload": accepts_response_payload,
        }
        if retry_attempt is not None:
            message["retry_attempt"] = retry_attempt
            message["retry_reason"] = retry_reason or ""
        self.send_message(message, envelope_id=envelope_id)
        return envelope_id

    def slash_command(self, text: str, *, user_id: str, **fields: Any) -> str:
        """``/mentor text`` as a ``slash_commands`` envelope (the form fields as JSON)."""
        payload = payloads.slash_command_fields(text, user_id=user_id, **fields)
        return self.send_envelope("slash_commands", payload, accepts_response_payload=True)

    def interactive(self, payload: JsonObject) -> str:
        """An ``interactive`` envelope: a click, a view_submission, a view_closed."""
        # Only a view_submission's ack can change what the person sees (response_action).
        accepts = payload.get("type") == "view_submission"
        return self.send_envelope("interactive", payload, accepts_response_payload=accepts)

    def block_action(
        self,
        *,
        user_id: str,
        action_id: str,
        value: str | None = None,
        block_id: str = "b",
        view: JsonObject | None = None,
        response_url: str = "",
    ) -> str:
        action = payloads.action_element(
            action_id=action_id,
            block_id=block_id,
            action_ts=payloads.slack_ts(time.time()),
            value=value,
        )
        payload = payloads.block_actions_payload(
            user_id=user_id,
            action=action,
            trigger_id=payloads.new_trigger_id(),
            view=view,
            response_url=response_url,
        )
        return self.interactive(payload)

    def view_submission(
        self,
        *,
        user_id: str,
        callback_id: str,
        values: JsonObject,
        private_metadata: str = "",
        view_id: str = "V0TEST0001",
    ) -> str:
        payload = payloads.view_submission_payload(
            user_id=user_id,
            callback_id=callback_id,
            values=values,
            trigger_id=payloads.new_trigger_id(),
            private_metadata=private_metadata,
            view_id=view_id,
        )
        return self.interactive(payload)

    def event(
        self,
        event: JsonObject,
        *,
        event_id: str | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> str:
        """An ``events_api`` envelope around an event_callback; Slack numbers its retries."""
        payload = payloads.event_callback(
            event, event_id=event_id or payloads.new_event_id(), event_time=int(time.time())
        )
        return self.send_envelope(
            "events_api",
            payload,
            accepts_response_payload=False,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
        )

    def send_message(self, message: JsonObject, *, envelope_id: str | None = None) -> None:
        """Send any JSON message; with ``envelope_id``, an ack for it is expected."""
        self.send_raw(json.dumps(message, separators=(",", ":")), envelope_id=envelope_id)

    def send_raw(self, text: str, *, envelope_id: str | None = None) -> None:
        """Send ``text`` as one text frame, as is (for malformed envelopes); with
        ``envelope_id``, an ack for it is expected."""
        connection = self._newest_open()
        with self._changed:
            if envelope_id is not None:
                self._sent[envelope_id] = Envelope(
                    envelope_id, _type_of(text), _object_of(text), time.monotonic()
                )
        connection.send_text(text)

    def disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the app to reconnect, as Slack does every few hours; like Slack, the fake closes
        the old connection once the app has opened a new one."""
        with self._changed:
            self._retiring.extend(c for c in self._connections if c.is_open)
        self.send_message(
            {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-fake"}}
        )

    def close_connections(self, code: int = 1001, reason: str = "going away") -> None:
        """Close every connection from Slack's side, with a close frame. A client closing by
        itself waits out its blocking read (up to three seconds in slack_sdk's client); one
        that is told to stop reconnecting and then closed here first stops at once."""
        for connection in self.connections:
            connection.close(code, reason)

    def _newest_open(self) -> _Connection:
        for connection in reversed(self.connections):
            if connection.is_open:
                return connection
        raise AssertionError("no open Socket Mode connection: is the app connected?")

    # -- acks -----------------------------------------------------------------------------------

    @property
    def envelopes(self) -> list[Envelope]:
        with self._changed:
            return list(self._sent.values())

    @property
    def acks(self) -> dict[str, Ack]:
        """envelope_id -> its ack."""
        with self._changed:
            return dict(self._acks)

    @property
    def problems(self) -> list[str]:
        """What the app sent that Slack would not accept: text that is not a JSON object, an
        ack without an envelope_id, for an envelope never sent, or a second ack."""
        with self._changed:
            return list(self._problems)

    def wait_for_ack(self, envelope_id: str) -> Ack:
        """The ack of ``envelope_id``; AssertionError unless it arrived within the deadline."""
        with self._changed:
            envelope = self._sent.get(envelope_id)
            if envelope is None:
                raise AssertionError(f"envelope {envelope_id} was never sent")
            remaining = envelope.sent_at + self.ack_deadline - time.monotonic()
            self._changed.wait_for(lambda: envelope_id in self._acks, timeout=max(remaining, 0))
            ack = self._acks.get(envelope_id)
        if ack is None:
            raise AssertionError(
                f"{envelope.type} envelope {envelope_id} was not acked within "
                f"{self.ack_deadline}s: Slack would retry it"
            )
        if ack.seconds > self.ack_deadline:
            raise AssertionError(
                f"{envelope.type} envelope {envelope_id} was acked after {ack.seconds:.2f}s, "
                f"later than Slack's {self.ack_deadline}s"
            )
        return ack

    def check_all_acked(self) -> None:
        """Every envelope sent was acked once, in time, and the app sent nothing else amiss."""
        for envelope in self.envelopes:
            self.wait_for_ack(envelope.envelope_id)
        problems = self.problems
        if problems:
            raise AssertionError(f"Socket Mode protocol problems: {problems}")

    # -- called from connection threads --------------------------------------------------------

    def _accept_loop(self) -> None:
        assert self._listener is not None
        listener = self._listener
        while not self._stopping.is_set():
            try:
                sock, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(
                target=self._serve, args=(sock,), name="fake-socket-mode-conn", daemon=True
            )
            thread.start()

    def _serve(self, sock: socket.socket) -> None:
        sock.settimeout(None)
        connection = _Connection(sock)
        try:
            if self._handshake(connection) != 101:
                return
            with self._changed:
                self._connections.append(connection)
            connection.send_text(json.dumps(self._hello()))
            with self._changed:
                self._hellos += 1
                retiring, self._retiring = self._retiring, []
                self._changed.notify_all()
            for old in retiring:
                old.close(1000, "refreshed")
            connection.receive_until_closed(self._received)
        except _ClosedByClient:
            pass
        except (OSError, ProtocolError) as error:
            with self._changed:
                if not self._stopping.is_set() and connection.is_open:
                    self._problems.append(f"connection failed: {error}")
        finally:
            connection.close(1000, "")

    def _handshake(self, connection: _Connection) -> int:
        """Read the upgrade request and answer it: 101 with Sec-WebSocket-Accept for a known
        ticket, else an HTTP error (whose status is returned)."""
        request = connection.read_http_request()
        request_line, *header_lines = request.split("\r\n")
        method, target, *_version = request_line.split(" ")
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        url = urllib.parse.urlsplit(target)
        ticket = urllib.parse.parse_qs(url.query).get("ticket", [""])[0]
        key = headers.get("sec-websocket-key", "")
        with self._changed:
            known = ticket in self._tickets
            self._tickets.discard(ticket)
        if method != "GET" or url.path != _LINK_PATH:
            return self._refuse(connection, 404, "Not Found")
        if headers.get("upgrade", "").lower() != "websocket" or not key:
            return self._refuse(connection, 400, "Bad Request")
        if not known:
            return self._refuse(connection, 401, "Unauthorized")
        # RFC 6455 fixes SHA-1 here; it is a protocol checksum, not security.
        digest = hashlib.sha1((key + _WEBSOCKET_GUID).encode(), usedforsecurity=False).digest()
        accept = base64.b64encode(digest)
        connection.send_bytes(
            b"HTTP/1.1 101 Switching Protocols\r\n"
            b"Upgrade: websocket\r\n"
            b"Connection: Upgrade\r\n"
            b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n"
        )
        connection.upgraded = True
        return 101

    def _refuse(self, connection: _Connection, status: int, reason: str) -> int:
        with self._changed:
            self._refused_handshakes.append(status)
        return connection.refuse(status, reason)

    def _hello(self) -> JsonObject:
        """Shaped like Slack's: https://api.slack.com/apis/socket-mode#connect."""
        return {
            "type": "hello",
            "num_connections": self.open_connections,
            "debug_info": {
                "host": f"applink-fake-{secrets.token_hex(4)}",
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": self.app_id},
        }

    def _received(self, text: str) -> None:
        now = time.monotonic()
        with self._changed:
            try:
                message = json.loads(text)
            except ValueError:
                message = None
            if not isinstance(message, dict):
                self._problems.append(f"not a JSON object: {text[:200]!r}")
                return
            envelope_id = message.get("envelope_id")
            envelope = self._sent.get(envelope_id) if isinstance(envelope_id, str) else None
            if envelope is None:
                self._problems.append(f"ack for no envelope sent: {text[:200]!r}")
            elif envelope.envelope_id in self._acks:
                self._problems.append(f"second ack of {envelope.envelope_id}")
            else:
                payload = message.get("payload")
                self._acks[envelope.envelope_id] = Ack(
                    envelope.envelope_id,
                    payload if isinstance(payload, dict) else None,
                    now - envelope.sent_at,
                )
            self._changed.notify_all()


class _Connection:
    """One server-side WebSocket: unmasked frames out, masked frames in (RFC 6455)."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._send_lock = threading.Lock()
        self._buffer = b""
        self.is_open = True
        self.upgraded = False

    def read_http_request(self) -> str:
        while b"\r\n\r\n" not in self._buffer:
            if len(self._buffer) > _MAX_HANDSHAKE_BYTES:
                raise ProtocolError("handshake too long")
            chunk = self._sock.recv(4096)
            if not chunk:
                raise ProtocolError("closed during the handshake")
            self._buffer += chunk
        head, _, self._buffer = self._buffer.partition(b"\r\n\r\n")
        return head.decode("latin-1")

    def refuse(self, status: int, reason: str) -> int:
        body = reason.encode()
        self.send_bytes(
            f"HTTP/1.1 {status} {reason}\r\nContent-Length: {len(body)}\r\n"
            f"Connection: close\r\n\r\n".encode()
            + body
        )
        return status

    def send_bytes(self, data: bytes) -> None:
        with self._send_lock:
            self._sock.sendall(data)

    def send_text(self, text: str) -> None:
        self._send_frame(_OPCODE_TEXT, text.encode("utf-8"))

    def _send_frame(self, opcode: int, data: bytes) -> None:
        length = len(data)
        if length <= 125:
            header = struct.pack("!BB", 0x80 | opcode, length)
        elif length <= 0xFFFF:
            header = struct.pack("!BBH", 0x80 | opcode, 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 127, length)
        self.send_bytes(header + data)

    def receive_until_closed(self, on_text: Callable[[str], None]) -> None:
        while self.is_open:
            opcode, data = self._read_frame()
            if opcode == _OPCODE_TEXT:
                on_text(data.decode("utf-8"))
            elif opcode == _OPCODE_PING:
                self._send_frame(_OPCODE_PONG, data)
            elif opcode == _OPCODE_CLOSE:
                self.close(1000, "")
                return
            elif opcode != _OPCODE_PONG:
                raise ProtocolError(f"unexpected opcode {opcode:#x}")

    def _read_exactly(self, count: int) -> bytes:
        while len(self._buffer) < count:
            chunk = self._sock.recv(65536)
            if not chunk:
                raise _ClosedByClient
            self._buffer += chunk
        data, self._buffer = self._buffer[:count], self._buffer[count:]
        return data

    def _read_frame(self) -> tuple[int, bytes]:
        first, second = self._read_exactly(2)
        if not first & 0x80:
            raise ProtocolError("fragmented frames are not expected from the client")
        opcode, masked, length = first & 0x0F, second & 0x80, second & 0x7F
        if not masked:
            raise ProtocolError("a client frame must be masked (RFC 6455 5.1)")
        if length == 126:
            (length,) = struct.unpack("!H", self._read_exactly(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", self._read_exactly(8))
        if length > _MAX_FRAME_BYTES:
            raise ProtocolError(f"frame of {length} bytes")
        mask = self._read_exactly(4)
        data = self._read_exactly(length)
        # XOR with the repeated 4-byte mask, as one big integer (fast for large acks).
        key = (mask * (length // 4 + 1))[:length]
        unmasked = int.from_bytes(data, "big") ^ int.from_bytes(key, "big")
        return opcode, unmasked.to_bytes(length, "big")

    def close(self, code: int, reason: str) -> None:
        if not self.is_open:
            return
        self.is_open = False
        if self.upgraded:
            with contextlib.suppress(OSError):
                self._send_frame(_OPCODE_CLOSE, struct.pack("!H", code) + reason.encode())
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()


def _object_of(text: str) -> JsonObject:
    try:
        message = json.loads(text)
    except ValueError:
        return {}
    return message if isinstance(message, dict) else {}


def _type_of(text: str) -> str:
    return str(_object_of(text).get("type", "malformed"))
