"""A real SMTP server for the tests (aiosmtpd), whose misbehaviour a test can script.

It listens on a spare port of 127.0.0.1 in a thread of the test process; the portal's
workers reach it over a real TCP connection, as they would a mail relay.
"""

import asyncio
import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class Received:
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return self.message["Subject"]

    def text(self) -> str:
        """Every part of the message that a person could read, joined."""
        parts = []
        for part in self.message.walk():
            if part.get_content_maintype() == "text":
                parts.append(part.get_content())
        return "\n".join(parts)


@dataclass
class Script:
    """What the server does next. Tests set these; the server consumes them."""

    # Reply with this to the next N DATA commands (e.g. "451 4.3.0 Try again later").
    data_replies: list[str] = field(default_factory=list)
    # Recipients refused permanently at RCPT, with the reply.
    refuse: dict[str, str] = field(default_factory=dict)
    # Drop the connection after accepting this many more messages (None: never).
    drop_after: int | None = None
    # Seconds to take over each message, like a busy relay.
    delay: float = 0.0


class RecordingHandler:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.connections = 0
        self.script = Script()

    def reset(self) -> None:
        with self.lock:
            self.received.clear()
            self.connections = 0
            self.script = Script()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            refusal = self.script.refuse.get(address.lower())
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.script.delay:
            await asyncio.sleep(self.script.delay)
        with self.lock:
            if self.script.data_replies:
                return self.script.data_replies.pop(0)
            if self.script.drop_after is not None and self.script.drop_after <= 0:
                self.script.drop_after = None
                server.transport.close()
                return "421 4.4.2 Connection dropped"
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.received.append(Received(list(envelope.rcpt_tos), message))
            if self.script.drop_after is not None:
                self.script.drop_after -= 1
        return "250 Message accepted for delivery"

    def messages(self) -> list[Received]:
        with self.lock:
            return list(self.received)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPServer:
    def __init__(self) -> None:
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> "SMTPServer":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
