"""Products as admins edit them. A deactivated product cannot be ordered; orders placed before keep showing it
(their lines carry the name, SKU and price they were sold at)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, fields, replace

from commerce.admin.rejection import RequestRejectedError
from commerce.admin.stock import StockLedger
from commerce.catalog import DEFAULT_LOW_STOCK_THRESHOLD, Product
from commerce.errors import ConcurrentUpdateError, ProductNotFoundError
from commerce.money import Money, amount_step
from commerce.ports import ProductRepository
from commerce.validation import IssueCode, ValidationIssue

MAX_ATTEMPTS = 5
MAX_PRICE = 100_000_000  # minor units: a million dollars is a typo, not a product
MAX_THRESHOLD = 100_000
_SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_CATEGORY = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_LIMITS = {"name": 200, "description": 2000, "image_url": 500}


@dataclass(frozen=True, slots=True)
class ProductChanges:
    """Fields to change; None leaves a field as it is. For a new product every field but the optional ones."""

    sku: str | None = None
    name: str | None = None
    description: str | None = None
    category: str | None = None
    price: int | None = None
    currency: str | None = None
    image_url: str | None = None
    low_stock_threshold: int | None = None


REQUIRED_FOR_NEW = ("sku", "name", "category", "price", "currency")


def check_changes(changes: ProductChanges, *, new: bool) -> list[ValidationIssue]:
    issues: list[ValidationIssue] = []

    def problem(name: str, code: IssueCode, message: str) -> None:
        issues.append(ValidationIssue(_camel(name), code, message))

    if new:
        for name in REQUIRED_FOR_NEW:
            if getattr(changes, name) is None:
                problem(name, IssueCode.REQUIRED, "is required")
    if changes.sku is not None and not _SKU.match(changes.sku):
        problem("sku", IssueCode.INVALID, "1 to 64 letters, digits, '-' or '_'")
    if changes.category is not None and not _CATEGORY.match(changes.category):
        problem("category", IssueCode.INVALID, "1 to 64 lower-case letters, digits or '-'")
    if changes.name is not None and not changes.name.strip():
        problem("name", IssueCode.REQUIRED, "is required")
    for name, limit in _LIMITS.items():
        value = getattr(changes, name)
        if value is not None and len(value) > limit:
            problem(name, IssueCode.INVALID, f"is longer than {limit}")
    if changes.image_url and not changes.image_url.startswith(("/", "https://")):
        problem("image_url", IssueCode.INVALID, "must be a path on this site or an https:// URL")
    if changes.price is not None and not 1 <= changes.price <= MAX_PRICE:
        problem("price", IssueCode.INVALID, f"must be between 1 and {MAX_PRICE} minor units")
    if changes.currency is not None and not _CURRENCY.match(changes.currency):
        problem("currency", IssueCode.INVALID, "must be an upper-case ISO-4217 code such as USD")
    if changes.low_stock_threshold is not None and not 0 <= changes.low_stock_threshold <= MAX_THRESHOLD:
        problem("low_stock_threshold", IssueCode.INVALID, f"must be between 0 and {MAX_THRESHOLD}")
    return issues


def price_step_issues(amount: int, currency: str) -> list[ValidationIssue]:
    """Stripe refuses a three-decimal amount not ending in 0, and an ISK amount with decimals
    (https://docs.stripe.com/currencies#three-decimal): a price it cannot charge is refused when it is set."""
    step = amount_step(currency)
    if amount % step:
        return [ValidationIssue("price", IssueCode.INVALID, f"{currency} amounts must be a multiple of {step}")]
    return []


class ProductAdmin:
    def __init__(
        self, *, products: ProductRepository, ledger: StockLedger, new_id: Callable[[], str] | None = None
    ) -> None:
        self.products = products
        self.ledger = ledger
        self.new_id = new_id or (lambda: f"p-{secrets.token_hex(6)}")

    def create(self, changes: ProductChanges) -> Product:
        """Raises RequestRejectedError."""
        issues = check_changes(changes, new=True)
        if issues:
            raise RequestRejectedError(issues)
        assert changes.price is not None and changes.currency is not None
        product = Product(
            id=self.new_id(),
            sku=str(changes.sku),
            name=str(changes.name).strip(),
            description=(changes.description or "").strip(),
            category=str(changes.category),
            price=Money(changes.price, changes.currency),
            image_url=changes.image_url or "",
            low_stock_threshold=(
                DEFAULT_LOW_STOCK_THRESHOLD if changes.low_stock_threshold is None else changes.low_stock_threshold
            ),
        )
        self.products.create(_priceable(product))
        return product

    def update(self, product_id: str, changes: ProductChanges) -> Product:
        """Raises RequestRejectedError and ProductNotFoundError."""
        issues = check_changes(changes, new=False)
        if issues:
            raise RequestRejectedError(issues)
        return self._edit(product_id, lambda product: _priceable(_changed(product, changes)))

    def set_active(self, product_id: str, active: bool) -> Product:
        return self._edit(product_id, lambda product: replace(product, active=active))

    def _edit(self, product_id: str, edit: Callable[[Product], Product]) -> Product:
        # Each edit names only the fields it changes, so on a concurrent edit it is applied again to the fresh
        # product: two admins changing different fields both keep their change.
        for _ in range(MAX_ATTEMPTS):
            current = self.products.get(product_id)
            if current is None:
                raise ProductNotFoundError(product_id)
            edited = edit(current)
            if edited == current:
                return current
            edited = replace(edited, version=current.version + 1)
            try:
                self.products.replace(edited, expected_version=current.version)
            except ConcurrentUpdateError:
                continue
            if edited.low_stock_threshold != current.low_stock_threshold:
                self.ledger.apply_threshold(product_id, edited.low_stock_threshold)
            return edited
        raise ConcurrentUpdateError("product", product_id)


def _priceable(product: Product) -> Product:
    # The currency may be the stored one: only the edited product knows the pair Stripe will be asked to charge.
    issues = price_step_issues(product.price.amount, product.price.currency)
    if issues:
        raise RequestRejectedError(issues)
    return product


def _changed(product: Product, changes: ProductChanges) -> Product:
    given = {f.name: getattr(changes, f.name) for f in fields(changes) if getattr(changes, f.name) is not None}
    price = Money(given.pop("price", product.price.amount), given.pop("currency", product.price.currency))
    if "name" in given:
        given["name"] = given["name"].strip()
    if "description" in given:
        given["description"] = given["description"].strip()
    return replace(product, price=price, **given)


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part.title() for part in rest)
