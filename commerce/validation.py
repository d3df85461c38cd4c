"""Checks of a shopper's order request. Every problem is reported, each with the field it concerns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from commerce.countries import ISO_3166_ALPHA2
from commerce.orders import Address


class IssueCode(StrEnum):
    REQUIRED = "REQUIRED"
    INVALID = "INVALID"
    INVALID_EMAIL = "INVALID_EMAIL"
    INVALID_QUANTITY = "INVALID_QUANTITY"
    TOO_MANY_LINES = "TOO_MANY_LINES"
    EMPTY_ORDER = "EMPTY_ORDER"
    DUPLICATE_LINE = "DUPLICATE_LINE"
    PRODUCT_NOT_FOUND = "PRODUCT_NOT_FOUND"
    PRODUCT_INACTIVE = "PRODUCT_INACTIVE"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    CURRENCY_MISMATCH = "CURRENCY_MISMATCH"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    NOT_FOUND = "NOT_FOUND"
    PAYMENT_NOT_ALLOWED = "PAYMENT_NOT_ALLOWED"
    INVALID_PAYMENT_METHOD = "INVALID_PAYMENT_METHOD"
    PAYMENT_DECLINED = "PAYMENT_DECLINED"
    PAYMENT_PROVIDER_UNAVAILABLE = "PAYMENT_PROVIDER_UNAVAILABLE"
    PAYMENTS_BUSY = "PAYMENTS_BUSY"  # payOrder: the stack's Stripe write budget is spent; the hold is kept, retry
    OUT_OF_STOCK = "OUT_OF_STOCK"  # payOrder: the order's stock could not be held, and the card was not touched
    HOLD_LIMIT_REACHED = "HOLD_LIMIT_REACHED"  # payOrder: too many live holds for the email or address; card untouched
    STOCK_BUSY = "STOCK_BUSY"  # payOrder: the stock was too contended to hold just now; nothing held, card untouched
    # Admin mutations
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    LOGIN_LOCKED = "LOGIN_LOCKED"
    ORDER_NOT_CANCELLABLE = "ORDER_NOT_CANCELLABLE"
    CANCELLATION_PENDING = "CANCELLATION_PENDING"
    VERSION_CONFLICT = "VERSION_CONFLICT"
    NEGATIVE_STOCK = "NEGATIVE_STOCK"
    WAREHOUSE_NOT_FOUND = "WAREHOUSE_NOT_FOUND"
    WAREHOUSE_EXISTS = "WAREHOUSE_EXISTS"
    STOCK_SPLIT = "STOCK_SPLIT"  # split over shards for a hot sale: merge it first
    NOT_STOCKED = "NOT_STOCKED"


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    field: str
    code: IssueCode
    message: str


class OrderRejectedError(Exception):
    def __init__(self, issues: list[ValidationIssue]) -> None:
        super().__init__("; ".join(f"{issue.field}: {issue.message}" for issue in issues))
        self.issues = issues


MIN_QUANTITY = 1
# Units of one product per order: with HOLDS_PER_CUSTOMER live holds, one customer holds at most 30 units of a
# product before paying (docs/api.md, placeOrder), however many lines or orders they make.
MAX_QUANTITY = 10
MAX_LINES = 50

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_POSTAL_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{8,128}$")

_ADDRESS_LIMITS = {"name": 100, "line1": 200, "line2": 200, "city": 100, "region": 100}
_REQUIRED_ADDRESS_FIELDS = ("name", "line1", "city", "postal_code", "country")


def check_idempotency_key(key: str) -> list[ValidationIssue]:
    if _IDEMPOTENCY_KEY.match(key):
        return []
    message = "must be 8 to 128 letters, digits, '-' or '_' (a UUID works)"
    return [ValidationIssue("idempotencyKey", IssueCode.INVALID, message)]


def check_email(email: str) -> list[ValidationIssue]:
    if not email.strip():
        return [ValidationIssue("email", IssueCode.REQUIRED, "an email address is required")]
    if len(email) > 254 or not _EMAIL.match(email.strip()):
        return [ValidationIssue("email", IssueCode.INVALID_EMAIL, "is not a valid email address")]
    return []


def check_address(address: Address) -> list[ValidationIssue]:
    issues = [
        ValidationIssue(f"shippingAddress.{_camel(name)}", IssueCode.REQUIRED, "is required")
        for name in _REQUIRED_ADDRESS_FIELDS
        if not getattr(address, name).strip()
    ]
    for name, limit in _ADDRESS_LIMITS.items():
        if len(getattr(address, name)) > limit:
            issues.append(
                ValidationIssue(f"shippingAddress.{_camel(name)}", IssueCode.INVALID, f"is longer than {limit}")
            )
    if address.postal_code.strip() and not _POSTAL_CODE.match(address.postal_code.strip()):
        issues.append(ValidationIssue("shippingAddress.postalCode", IssueCode.INVALID, "is not a postal code"))
    issues += _check_country(address.country.strip())
    return issues


def _check_country(country: str) -> list[ValidationIssue]:
    if not country:
        return []  # reported as REQUIRED
    if not _COUNTRY.match(country):
        message = "must be a two-letter ISO country code such as US"
    elif country not in ISO_3166_ALPHA2:
        message = f"{country} is not an ISO 3166-1 country code; use the two letters of the country, such as GB or US"
    else:
        return []
    return [ValidationIssue("shippingAddress.country", IssueCode.INVALID, message)]


def check_line_shape(lines: list[tuple[str, int]]) -> list[ValidationIssue]:
    """Count, quantity and duplicate checks that need no catalog."""
    if not lines:
        return [ValidationIssue("lines", IssueCode.EMPTY_ORDER, "an order needs at least one line")]
    issues: list[ValidationIssue] = []
    if len(lines) > MAX_LINES:
        issues.append(ValidationIssue("lines", IssueCode.TOO_MANY_LINES, f"at most {MAX_LINES} lines per order"))
    seen: set[str] = set()
    for index, (product_id, quantity) in enumerate(lines):
        if not MIN_QUANTITY <= quantity <= MAX_QUANTITY:
            message = (
                f"must be between {MIN_QUANTITY} and {MAX_QUANTITY}: at most {MAX_QUANTITY} of a product per order"
            )
            issues.append(ValidationIssue(f"lines.{index}.quantity", IssueCode.INVALID_QUANTITY, message))
        if product_id in seen:
            message = "the same product appears twice; change the quantity instead"
            issues.append(ValidationIssue(f"lines.{index}.productId", IssueCode.DUPLICATE_LINE, message))
        seen.add(product_id)
    return issues


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part.title() for part in rest)
