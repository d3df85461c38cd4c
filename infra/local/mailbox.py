"""The local stand-in for the customer's inbox: the mail that moto's SES "sent", read from its backend.

moto runs in this process (ThreadedMotoServer), so its SES backend is the one in `moto.ses.ses_backends`.
What moto 5.2.5 keeps of a `SendEmail` is narrower than what was sent, and this module says so rather than
guess: one body only (the HTML part when there was one, else the text part) and no time of sending.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import Message, ses_backends

from infra.local.aws import REGION

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient


@dataclass(frozen=True, slots=True)
class SentEmail:
    message_id: str
    source: str
    to: tuple[str, ...]
    subject: str
    text: str | None  # None when the message had an HTML part: moto keeps only that one
    html: str | None
    sent_at: str | None = None  # moto records no time of sending; kept so readers need not change if it does


def sent_mail(account_id: str | None = None, region: str = REGION) -> list[SentEmail]:
    """Every email sent with SES `SendEmail` in the account and region, newest first.

    Templated and raw emails are left out: nothing in this system sends them.
    """
    # moto picks the account the same way: MOTO_ACCOUNT_ID if set, else its default for unknown access keys.
    account = account_id or os.environ.get("MOTO_ACCOUNT_ID", DEFAULT_ACCOUNT_ID)
    # A copy: moto's server thread appends to the list while we read it.
    messages = list(ses_backends[account][region].sent_messages)
    return [_sent_email(message) for message in reversed(messages) if isinstance(message, Message)]


def verify_sender(client: SESClient, address: str) -> None:
    """Make `address` a verified SES identity: SES, and moto like it, refuse to send from any other.

    moto verifies at once; real SES would email a confirmation link instead, which is why this is local-only.
    """
    client.verify_email_identity(EmailAddress=address)


def _sent_email(message: Message) -> SentEmail:
    # moto's SendEmail stores the HTML body when both parts were sent, the text body otherwise, and does not
    # say which: a body that opens with a tag is taken for HTML.
    is_html = message.body.lstrip()[:1] == "<"
    return SentEmail(
        message_id=message.id,
        source=message.source,
        to=tuple(message.destinations.get("ToAddresses", [])),
        subject=message.subject,
        text=None if is_html else message.body,
        html=message.body if is_html else None,
    )
