"""The load test's mail server on the loopback interface: it takes every message and writes one line for each.

python -m aiosmtpd -n -l 127.0.0.1:PORT -c bench.load.mail.Catcher var/load-run/mail.jsonl
"""

import email
import email.policy
import json


class Catcher:
    def __init__(self, path: str):
        self.path = path

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("Catcher takes one argument: the file to write to")
        return cls(args[0])

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with open(self.path, "a") as out:
            out.write(json.dumps({"to": list(envelope.rcpt_tos), "subject": str(message["subject"])}) + "\n")
        return "250 Message accepted for delivery"
