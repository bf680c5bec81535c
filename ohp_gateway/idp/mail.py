"""Outgoing mail: SMTP (stdlib) when configured, otherwise one ``.eml`` file per message in a
folder, so the demo and the tests can read what was sent."""

from __future__ import annotations

import itertools
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

import attrs


@attrs.frozen
class Message:
    to: str
    subject: str
    body: str


class Outbox(Protocol):
    def send(self, message: Message) -> None: ...


def _email(message: Message, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email.set_content(message.body)
    return email


class FolderOutbox:
    """Writes ``NNNNNN-<to>.eml`` files; ``messages()`` reads them back in order."""

    def __init__(self, folder: str | Path, sender: str = "no-reply@community.invalid") -> None:
        self.folder = Path(folder)
        self.sender = sender

    def send(self, message: Message) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        data = bytes(_email(message, self.sender))
        for n in itertools.count(len(list(self.folder.glob("*.eml")))):
            path = self.folder / f"{n:06d}-{message.to.replace('/', '_')}.eml"
            try:
                with path.open("xb") as handle:  # exclusive: concurrent senders never clash
                    handle.write(data)
                return
            except FileExistsError:
                continue

    def messages(self) -> list[Message]:
        from email import message_from_bytes, policy

        found: list[Message] = []
        for path in sorted(self.folder.glob("*.eml")):
            parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
            body = parsed.get_body(("plain",))
            text = body.get_content() if body is not None else ""
            found.append(Message(str(parsed["To"]), str(parsed["Subject"]), str(text)))
        return found


@attrs.frozen
class SmtpOutbox:
    """Sends through an SMTP server, with STARTTLS unless ``starttls`` is false."""

    host: str
    port: int = 587
    sender: str = "no-reply@community.invalid"
    username: str | None = None
    password: str | None = attrs.field(default=None, repr=False)
    starttls: bool = True

    def send(self, message: Message) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=30) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username and self.password:
                smtp.login(self.username, self.password)
            smtp.send_message(_email(message, self.sender))
