"""A real SMTP server on the loopback interface, for tests that send e-mail through a worker."""

import email
import email.policy
import socket
import threading
import time

from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self, inbox):
        self.inbox = inbox

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.inbox.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """aiosmtpd on 127.0.0.1; stop() and start() again keep the same port, as an outage would."""

    def __init__(self):
        self.port = free_port()
        self.inbox: list = []
        self._lock = threading.Lock()
        self._controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self):
        self._controller = Controller(_Handler(self.inbox), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list:
        return [message for recipients, message in list(self.inbox) if address in recipients]

    def wait_for(self, addresses, timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(self.to(address) for address in addresses):
                return True
            time.sleep(0.2)
        return False
