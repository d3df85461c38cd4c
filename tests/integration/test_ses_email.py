"""SesEmailSender through boto3 on moto's SES, read back from moto's "sent" through the local mailbox."""

from __future__ import annotations

import uuid
from dataclasses import replace

import boto3
import pytest
from botocore.config import Config

from commerce.adapters.ses_email import SesEmailSender
from commerce.notifications import EmailDeliveryError, EmailMessage, NotificationService
from infra.local.cloud import LocalCloud
from infra.local.mailbox import SentEmail, sent_mail, verify_sender
from infra.local.ports import free_port
from tests.unit.builders import AN_ADDRESS, an_order

pytestmark = pytest.mark.integration


@pytest.fixture
def sender(local_cloud: LocalCloud) -> SesEmailSender:
    return SesEmailSender(boto3.client("ses"))


@pytest.fixture
def verified_address(local_cloud: LocalCloud) -> str:
    # Its own sender per test: what one test verifies can never make another one pass.
    address = f"shop-{uuid.uuid4().hex[:8]}@shop.example"
    verify_sender(boto3.client("ses"), address)
    return address


def delivered(message_id: str) -> SentEmail:
    (email,) = [email for email in sent_mail() if email.message_id == message_id]
    return email


def test_a_sent_email_reaches_the_local_mailbox_with_its_recipient_subject_and_html(
    sender: SesEmailSender, verified_address: str
) -> None:
    message = EmailMessage(
        to="ada@example.com",
        subject="Grüße: order ord_1 confirmed ✓",
        text="Hello Ada,\n\nThank you.",
        html="<p>Hello Ada,</p><p>Thank you — ✓</p>",
        from_address=verified_address,
    )

    email = delivered(sender.send(message))

    assert (email.source, email.to, email.subject) == (verified_address, ("ada@example.com",), message.subject)
    # moto keeps only one body of a SendEmail: the HTML part when there is one.
    assert (email.html, email.text) == (message.html, None)


def test_the_mailbox_lists_the_newest_email_first(sender: SesEmailSender, verified_address: str) -> None:
    ids = [
        sender.send(EmailMessage("ada@example.com", f"email {n}", "text", f"<p>{n}</p>", verified_address))
        for n in range(3)
    ]

    listed = [email.message_id for email in sent_mail() if email.message_id in ids]

    assert listed == list(reversed(ids))


def test_a_notification_goes_out_through_ses_with_the_customers_text_escaped(verified_address: str) -> None:
    notifications = NotificationService(SesEmailSender(boto3.client("ses")), verified_address)
    order = replace(
        an_order(order_id=f"ord_{uuid.uuid4().hex[:8]}"), shipping_address=replace(AN_ADDRESS, name="Ada <Countess>")
    )

    assert notifications.order_confirmed(order)

    (email,) = [email for email in sent_mail() if email.subject == f"Order {order.id} confirmed"]
    assert email.to == (order.email,)
    assert email.html is not None
    assert "Hello Ada &lt;Countess&gt;," in email.html


def test_an_unverified_sender_is_refused_as_an_email_delivery_error(sender: SesEmailSender) -> None:
    stranger = f"nobody-{uuid.uuid4().hex[:8]}@unverified.example"

    with pytest.raises(EmailDeliveryError) as raised:
        sender.send(EmailMessage("ada@example.com", "hello", "text", "<p>html</p>", stranger))

    assert raised.value.code == "MessageRejected"
    assert not [email for email in sent_mail() if email.source == stranger]


def test_a_notification_from_an_unverified_sender_returns_false_without_raising(sender: SesEmailSender) -> None:
    notifications = NotificationService(sender, f"nobody-{uuid.uuid4().hex[:8]}@unverified.example")

    assert notifications.order_shipped(an_order(order_id="ord_unsent")) is False


def test_an_unreachable_ses_is_an_email_delivery_error(local_cloud: LocalCloud, verified_address: str) -> None:
    # A port just found free has no listener: the connection is refused at once. One attempt, no retries.
    no_retries = Config(retries={"total_max_attempts": 1}, connect_timeout=1)
    closed_port = boto3.client("ses", endpoint_url=f"http://127.0.0.1:{free_port()}", config=no_retries)

    with pytest.raises(EmailDeliveryError) as raised:
        SesEmailSender(closed_port).send(EmailMessage("ada@example.com", "hi", "t", "<p>h</p>", verified_address))

    assert raised.value.code == "EndpointConnectionError"
