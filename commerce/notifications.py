"""The emails a customer gets about an order, and the port that delivers them.

Sending is best effort: a failed email must never fail an order, so every method answers whether the email
went out and logs why it did not, and none raises. Whether an email may be sent at all (at most once per
order and kind) is the caller's decision.
"""

from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from html import escape

from commerce.errors import DomainError
from commerce.money import Money, minor_unit_digits
from commerce.orders import Address, Order, Shipment
from commerce.shipping import UnknownCarrierError, tracking_url

logger = logging.getLogger(__name__)

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
_LOCAL_PART = re.compile(r"([^\s@<>\"',;:]{1,2})[^\s@<>\"',;:]*@")


@dataclass(frozen=True, slots=True)
class EmailMessage:
    to: str
    subject: str
    text: str
    html: str
    from_address: str


class EmailDeliveryError(DomainError):
    """The mail service did not accept the message; `code` is its error code (e.g. SES `MessageRejected`)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


class EmailSender(ABC):
    @abstractmethod
    def send(self, message: EmailMessage) -> str:
        """Hand the message to the mail service and return its message id; raises EmailDeliveryError."""


class NotificationService:
    def __init__(self, sender: EmailSender | Callable[[], EmailSender], from_address: str) -> None:
        """`sender` may come as the function that makes it: then SES's adapter, and its client, come with the first
        email rather than with the wiring (most saga steps wire notifications and send none)."""
        self._sender = sender
        self.from_address = from_address

    @property
    def sender(self) -> EmailSender:
        if not isinstance(self._sender, EmailSender):
            self._sender = self._sender()
        return self._sender

    def order_confirmed(self, order: Order) -> bool:
        return self._deliver(order, "order_confirmed", lambda: _confirmed(order))

    def order_shipped(self, order: Order) -> bool:
        return self._deliver(order, "order_shipped", lambda: _shipped(order))

    def order_failed(self, order: Order) -> bool:
        return self._deliver(order, "order_failed", lambda: _failed(order))

    def order_cancelled(self, order: Order) -> bool:
        return self._deliver(order, "order_cancelled", lambda: _cancelled(order))

    def payment_failed(self, order: Order, reason: str) -> bool:
        return self._deliver(order, "payment_failed", lambda: _payment_failed(order, reason))

    def _deliver(self, order: Order, kind: str, draft: Callable[[], _Email]) -> bool:
        try:
            email = draft()
            message_id = self.sender.send(
                EmailMessage(order.email, email.subject, email.text(), email.html(), self.from_address)
            )
        except EmailDeliveryError as exc:
            # Mail services quote the addresses they refuse: mask them, the logs are no place for customer data.
            detail = _LOCAL_PART.sub(r"\1***@", exc.detail)
            logger.warning("%s email for order %s not sent: %s %s", kind, order.id, exc.code, detail)
            return False
        except Exception:
            # Whatever else goes wrong (a sender's unmapped error, odd order data) must not fail the order either.
            logger.exception("%s email for order %s not sent: unexpected error", kind, order.id)
            return False
        logger.info("%s email for order %s sent as %s", kind, order.id, message_id)
        return True


def format_amount(money: Money) -> str:
    """$85.00 for USD 8500; an amount in a currency without a symbol here reads 1234.56 XYZ."""
    exponent = minor_unit_digits(money.currency)
    units, minor = divmod(abs(money.amount), 10**exponent)
    sign = "-" if money.amount < 0 else ""
    fraction = f".{minor:0{exponent}d}" if exponent else ""
    symbol = _SYMBOLS.get(money.currency)
    if symbol:
        return f"{sign}{symbol}{units:,}{fraction}"
    return f"{sign}{units}{fraction} {money.currency}"


@dataclass
class _Email:
    """One email as blocks, rendered twice: plain text, and HTML in which every piece of text is escaped."""

    subject: str
    name: str
    _text: list[str] = field(default_factory=list, init=False)
    _html: list[str] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.paragraph(f"Hello {self.name},")

    def paragraph(self, text: str) -> _Email:
        self._text.append(text)
        self._html.append(f"<p>{escape(text)}</p>")
        return self

    def heading(self, text: str) -> _Email:
        self._text.append(f"{text}\n{'-' * len(text)}")
        self._html.append(f"<h3>{escape(text)}</h3>")
        return self

    def items(self, rows: Sequence[str]) -> _Email:
        self._text.append("\n".join(f"  * {row}" for row in rows))
        self._html.append("<ul>" + "".join(f"<li>{escape(row)}</li>" for row in rows) + "</ul>")
        return self

    def lines(self, rows: Sequence[str]) -> _Email:
        self._text.append("\n".join(f"  {row}" for row in rows))
        self._html.append("<p>" + "<br>".join(escape(row) for row in rows) + "</p>")
        return self

    def link(self, label: str, url: str) -> _Email:
        self._text.append(f"{label}: {url}")
        self._html.append(f'<p><a href="{escape(url)}">{escape(label)}</a></p>')
        return self

    def text(self) -> str:
        return "\n\n".join(self._text) + "\n"

    def html(self) -> str:
        body = "\n".join(self._html)
        return f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>\n{body}\n</body></html>\n'


def _confirmed(order: Order) -> _Email:
    email = _Email(f"Order {order.id} confirmed", order.shipping_address.name)
    email.paragraph(
        f"Thank you for your order {order.id}. We have authorized {format_amount(order.total)} on your card; "
        "you are charged when the order ships."
    )
    email.heading("Your order").items(_line_rows(order)).lines(_total_rows(order))
    email.heading("Shipping to").lines(_address_rows(order.shipping_address))
    return email.paragraph("We will email you the tracking details as soon as it ships.")


def _shipped(order: Order) -> _Email:
    email = _Email(f"Your order {order.id} has shipped", order.shipping_address.name)
    count = len(order.shipments)
    email.paragraph(f"Your order {order.id} is on its way" + (f", in {count} parcels." if count > 1 else "."))
    names = {line.product_id: line.name for line in order.lines}
    for number, shipment in enumerate(order.shipments, start=1):
        title = f"Parcel {number} of {count}" if count > 1 else "Your parcel"
        email.heading(f"{title}: {shipment.carrier} {shipment.tracking_number}")
        email.paragraph(f"Estimated delivery: {_long_date(shipment.estimated_delivery)}.")
        _tracking_link(email, shipment)
        email.items([f"{quantity} x {names.get(product_id, product_id)}" for product_id, quantity in shipment.lines])
    if not order.shipments:
        email.paragraph("The tracking details follow in a separate email.")
    return email.heading("Shipping to").lines(_address_rows(order.shipping_address))


def _failed(order: Order) -> _Email:
    email = _Email(f"We could not complete order {order.id}", order.shipping_address.name)
    email.paragraph(f"We are sorry: we could not complete your order {order.id}.")
    return email.paragraph(_money_back(order))


def _cancelled(order: Order) -> _Email:
    email = _Email(f"Order {order.id} was cancelled", order.shipping_address.name)
    email.paragraph(f"Your order {order.id} has been cancelled.")
    return email.paragraph(_money_back(order))


def _payment_failed(order: Order, reason: str) -> _Email:
    email = _Email(f"Payment for order {order.id} did not go through", order.shipping_address.name)
    email.paragraph(f"We could not take the payment of {format_amount(order.total)} for order {order.id}.")
    email.paragraph(f"Reason: {reason}")
    return email.paragraph("Nothing was charged. Your order is kept for you: you can pay with another card.")


def _money_back(order: Order) -> str:
    payment = order.payment
    if payment.refunded:
        # Stripe: refunds reach the card holder's statement in 5-10 business days.
        refunded = format_amount(Money(payment.refunded, order.currency))
        return f"We have refunded {refunded}; it takes 5 to 10 business days to appear on your statement."
    if payment.captured:
        return f"The {format_amount(Money(payment.captured, order.currency))} you paid is refunded in full."
    if payment.authorized:
        return f"The hold of {format_amount(Money(payment.authorized, order.currency))} on your card is released."
    return "You have not been charged."


def _tracking_link(email: _Email, shipment: Shipment) -> None:
    # A carrier we cannot link to gets no link: the number alone still lets the customer ask them.
    with suppress(UnknownCarrierError):
        email.link("Track your parcel", tracking_url(shipment.carrier, shipment.tracking_number))


def _line_rows(order: Order) -> list[str]:
    return [f"{line.quantity} x {line.name}: {format_amount(line.total)}" for line in order.lines]


def _total_rows(order: Order) -> list[str]:
    shipping = format_amount(order.shipping) if order.shipping.amount else "free"
    return [
        f"Subtotal: {format_amount(order.subtotal)}",
        f"Shipping: {shipping}",
        f"Total: {format_amount(order.total)}",
    ]


def _address_rows(address: Address) -> list[str]:
    town = " ".join(part for part in (f"{address.city},", address.region, address.postal_code) if part)
    rows = [address.name, address.line1, address.line2, town.removesuffix(","), address.country]
    return [row for row in rows if row]


def _long_date(iso_date: str) -> str:
    try:
        day = date.fromisoformat(iso_date)
    except ValueError:
        return iso_date
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"
