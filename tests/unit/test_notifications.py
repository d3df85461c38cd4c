"""Customer emails: what each one says, that HTML escapes the customer's text, and that delivery never raises."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

import pytest

from commerce.money import Money
from commerce.notifications import (
    EmailDeliveryError,
    EmailMessage,
    EmailSender,
    NotificationService,
    format_amount,
)
from commerce.orders import Order, Payment, Shipment
from tests.unit.builders import AN_ADDRESS, an_order

SHOP = "orders@shop.example"
UPS_PARCEL = Shipment("shp_1", "wh-east", "UPS", "1Z5R89390357567127", "2026-12-01", (("p-mug", 2),))
USPS_PARCEL = Shipment("shp_2", "wh-west", "USPS", "9400111201080805483016", "2026-12-02", (("p-mug", 1),))


class FakeSender(EmailSender):
    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> str:
        self.sent.append(message)
        return f"msg-{len(self.sent)}"

    @property
    def only(self) -> EmailMessage:
        (message,) = self.sent
        return message


class RejectingSender(EmailSender):
    def send(self, message: EmailMessage) -> str:
        raise EmailDeliveryError("MessageRejected", f"Email address is not verified: {message.to}")


class BrokenSender(EmailSender):
    def send(self, message: EmailMessage) -> str:
        raise ConnectionResetError("socket closed")


@pytest.fixture
def sender() -> FakeSender:
    return FakeSender()


@pytest.fixture
def service(sender: FakeSender) -> NotificationService:
    return NotificationService(sender, SHOP)


def shipped_order(*shipments: Shipment) -> Order:
    return replace(an_order(order_id="ord_9"), shipments=shipments)


def test_a_confirmation_tells_the_customer_what_was_authorized_and_what_comes(
    service: NotificationService, sender: FakeSender
) -> None:
    assert service.order_confirmed(an_order(order_id="ord_7"))

    message = sender.only
    assert (message.to, message.from_address, message.subject) == ("ada@example.com", SHOP, "Order ord_7 confirmed")
    for part in (message.text, message.html):
        assert "Ada Lovelace" in part
        assert "$41.99" in part  # 2 x $18.00 + $5.99 shipping
        assert "2 x Mug: $36.00" in part
        assert "1 Analytical Way" in part
    assert "charged when the order ships" in message.text


def test_a_shipping_email_gives_each_parcels_carrier_tracking_number_link_and_delivery_date(
    service: NotificationService, sender: FakeSender
) -> None:
    assert service.order_shipped(shipped_order(UPS_PARCEL, USPS_PARCEL))

    message = sender.only
    assert message.subject == "Your order ord_9 has shipped"
    assert "in 2 parcels" in message.text
    assert "Parcel 1 of 2: UPS 1Z5R89390357567127" in message.text
    assert "Estimated delivery: Tuesday, December 1, 2026." in message.text
    assert "https://www.ups.com/track?tracknum=1Z5R89390357567127" in message.text
    assert "Parcel 2 of 2: USPS 9400111201080805483016" in message.text
    assert "Estimated delivery: Wednesday, December 2, 2026." in message.text
    assert '<a href="https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111201080805483016">' in message.html
    assert "2 x Mug" in message.text


def test_a_parcel_with_a_carrier_we_cannot_link_to_is_still_announced(
    service: NotificationService, sender: FakeSender
) -> None:
    assert service.order_shipped(shipped_order(replace(UPS_PARCEL, carrier="DHL", tracking_number="JD0142")))

    assert "Your parcel: DHL JD0142" in sender.only.text
    assert "<a href" not in sender.only.html


@pytest.mark.parametrize(
    ("payment", "money_back"),
    [
        (Payment(authorized=4199), "The hold of $41.99 on your card is released."),
        (Payment(authorized=4199, captured=4199), "The $41.99 you paid is refunded in full."),
        (Payment(authorized=4199, captured=4199, refunded=4199), "We have refunded $41.99; it takes 5 to 10"),
        (Payment(), "You have not been charged."),
    ],
)
def test_a_failed_order_email_says_what_happens_to_the_money_and_nothing_of_the_error(
    service: NotificationService, sender: FakeSender, payment: Payment, money_back: str
) -> None:
    order = replace(an_order(order_id="ord_3"), payment=payment, failure_reason="KeyError: 'warehouse'")

    assert service.order_failed(order)

    assert sender.only.subject == "We could not complete order ord_3"
    assert "we could not complete your order ord_3" in sender.only.text
    assert money_back in sender.only.text
    assert "Reason" not in sender.only.text
    assert "KeyError" not in sender.only.text + sender.only.html


def test_a_cancellation_email_says_nothing_of_the_admins_note(service: NotificationService, sender: FakeSender) -> None:
    assert service.order_cancelled(replace(an_order(order_id="ord_4"), failure_reason="fraud suspected by alice"))

    assert sender.only.subject == "Order ord_4 was cancelled"
    assert "Your order ord_4 has been cancelled." in sender.only.text
    assert "You have not been charged." in sender.only.text
    assert "alice" not in sender.only.text + sender.only.html
    assert "fraud" not in sender.only.text + sender.only.html


def test_a_payment_failure_email_gives_the_reason_and_invites_another_card(
    service: NotificationService, sender: FakeSender
) -> None:
    assert service.payment_failed(an_order(order_id="ord_5"), "Your card was declined.")

    assert sender.only.subject == "Payment for order ord_5 did not go through"
    assert "Reason: Your card was declined." in sender.only.text
    assert "another card" in sender.only.text


def test_html_escapes_the_customers_name_and_address_and_the_reason(
    service: NotificationService, sender: FakeSender
) -> None:
    address = replace(AN_ADDRESS, name="<script>alert(1)</script>", line1='1 "Quoted" & <b>Bold</b> St')
    order = replace(an_order(), shipping_address=address)

    assert service.order_confirmed(order)
    assert service.payment_failed(order, "<img src=x onerror=alert(1)>")

    confirmed, failed = sender.sent
    assert "<script>" not in confirmed.html
    assert "Hello &lt;script&gt;alert(1)&lt;/script&gt;," in confirmed.html
    assert "1 &quot;Quoted&quot; &amp; &lt;b&gt;Bold&lt;/b&gt; St" in confirmed.html
    assert "<img" not in failed.html
    assert "Hello <script>alert(1)</script>," in confirmed.text  # plain text is shown as text, never interpreted


@pytest.mark.parametrize(
    "send",
    [
        lambda s, o: s.order_confirmed(o),
        lambda s, o: s.order_shipped(o),
        lambda s, o: s.order_failed(o),
        lambda s, o: s.order_cancelled(o),
        lambda s, o: s.payment_failed(o, "r"),
    ],
    ids=["confirmed", "shipped", "failed", "cancelled", "payment_failed"],
)
def test_a_rejected_email_returns_false_and_logs_the_order_but_not_the_address(
    send: Callable[[NotificationService, Order], bool], caplog: pytest.LogCaptureFixture
) -> None:
    service = NotificationService(RejectingSender(), SHOP)

    with caplog.at_level(logging.WARNING, logger="commerce.notifications"):
        assert send(service, an_order(order_id="ord_8")) is False

    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    assert "ord_8" in record.getMessage()
    assert "MessageRejected" in record.getMessage()
    assert "ada@example.com" not in record.getMessage()


def test_an_unexpected_sender_failure_returns_false_too(caplog: pytest.LogCaptureFixture) -> None:
    service = NotificationService(BrokenSender(), SHOP)

    with caplog.at_level(logging.WARNING, logger="commerce.notifications"):
        assert service.order_shipped(shipped_order(UPS_PARCEL)) is False

    assert "ord_9" in caplog.text
    assert "ConnectionResetError" in caplog.text


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (8500, "USD", "$85.00"),
        (5, "USD", "$0.05"),
        (123456789, "USD", "$1,234,567.89"),
        (-500, "USD", "-$5.00"),
        (123456, "EUR", "€1,234.56"),
        (999, "GBP", "£9.99"),
        (123456, "XYZ", "1234.56 XYZ"),
        (1234, "JPY", "1234 JPY"),  # zero-decimal: Stripe counts yen, not hundredths
        (1234, "KWD", "1.234 KWD"),  # three decimals
    ],
)
def test_amounts_read_as_customers_expect(amount: int, currency: str, text: str) -> None:
    assert format_amount(Money(amount, currency)) == text
