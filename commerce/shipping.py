"""Shipments for an allocated order: one per warehouse, with a carrier, a tracking number and a delivery estimate.

Pure and deterministic: the AllocateShipment step is retried by Step Functions, and a retry must hand the
carrier the very same shipments, so every "random" figure is drawn from a hash of the order and warehouse ids.

The carrier rule, by great-circle distance from the warehouse to the destination:

    up to 500 km      USPS Priority Mail   2 business days
    up to 1,500 km    UPS Ground           3 business days
    up to 4,500 km    FedEx                4 business days   (coast to coast)
    farther/unknown   FedEx                6 business days   (off the mainland, or an address we cannot place)

An unplaceable address gets the slowest promise: an estimate that is too late disappoints less than one too early.
Business days skip weekends only; public holidays are not modelled.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from commerce.catalog import Location, Warehouse
from commerce.errors import DomainError
from commerce.orders import Shipment


class Carrier(StrEnum):
    USPS = "USPS"
    UPS = "UPS"
    FEDEX = "FedEx"


@dataclass(frozen=True, slots=True)
class ShippingService:
    carrier: Carrier
    transit_business_days: int


# (up to this many km, service); the last band also takes destinations we cannot place.
_BANDS: tuple[tuple[float, ShippingService], ...] = (
    (500.0, ShippingService(Carrier.USPS, 2)),
    (1500.0, ShippingService(Carrier.UPS, 3)),
    (4500.0, ShippingService(Carrier.FEDEX, 4)),
    (float("inf"), ShippingService(Carrier.FEDEX, 6)),
)

_TRACKING_URLS = {
    Carrier.USPS: "https://tools.usps.com/go/TrackConfirmAction?tLabels={}",
    Carrier.UPS: "https://www.ups.com/track?tracknum={}",
    Carrier.FEDEX: "https://www.fedex.com/fedextrack/?trknbr={}",
}

_UPS_PATTERN = re.compile(r"1Z[0-9A-Z]{16}")
_USPS_PATTERN = re.compile(r"94[0-9]{20}")
_FEDEX_PATTERN = re.compile(r"[0-9]{12}")


class UnknownWarehouseError(DomainError):
    def __init__(self, warehouse_id: str) -> None:
        super().__init__(f"warehouse {warehouse_id} is not known")
        self.warehouse_id = warehouse_id


class UnknownCarrierError(DomainError):
    def __init__(self, carrier: str) -> None:
        super().__init__(f"carrier {carrier!r} is not one we ship with")
        self.carrier = carrier


def plan_shipments(
    order_id: str,
    allocation: Sequence[tuple[str, str, int]],
    warehouses: Sequence[Warehouse],
    destination: Location | None,
    shipped_on: date,
) -> tuple[Shipment, ...]:
    """One shipment per warehouse of the allocation's (product id, warehouse id, quantity) lines.

    Shipments come sorted by warehouse id and their lines by product id, so the result does not depend on
    the order of the allocation; lines of the same product from the same warehouse are added up.
    """
    if not allocation:
        raise ValueError(f"order {order_id}: an empty allocation has nothing to ship")
    by_id = {warehouse.id: warehouse for warehouse in warehouses}
    quantities: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for product_id, warehouse_id, quantity in allocation:
        if quantity < 1:
            raise ValueError(f"order {order_id}: {quantity} of {product_id} from {warehouse_id} is not a quantity")
        if warehouse_id not in by_id:
            raise UnknownWarehouseError(warehouse_id)
        quantities[warehouse_id][product_id] += quantity
    return tuple(
        _shipment(order_id, by_id[warehouse_id], quantities[warehouse_id], destination, shipped_on)
        for warehouse_id in sorted(quantities)
    )


def service_for(distance_km: float | None) -> ShippingService:
    """The carrier and transit time for a haul of `distance_km`; None when the destination could not be placed."""
    if distance_km is None:
        return _BANDS[-1][1]
    return next(service for limit, service in _BANDS if distance_km <= limit)


def add_business_days(start: date, days: int) -> date:
    """The day `days` business days after `start`; a parcel handed over on a weekend leaves on Monday."""
    day = start
    for _ in range(days):
        day += timedelta(days=1)
        while day.weekday() >= 5:  # Saturday, Sunday
            day += timedelta(days=1)
    return day


def tracking_url(carrier: str, number: str) -> str:
    try:
        template = _TRACKING_URLS[Carrier(carrier)]
    except ValueError as exc:
        raise UnknownCarrierError(carrier) from exc
    return template.format(number)


def is_valid_tracking_number(carrier: str, number: str) -> bool:
    """Whether `number` has the carrier's format and check digit (canonical form: no spaces, upper case)."""
    if carrier == Carrier.UPS:
        return _UPS_PATTERN.fullmatch(number) is not None and _ups_check_digit(number[2:17]) == number[17]
    if carrier == Carrier.USPS:
        return _USPS_PATTERN.fullmatch(number) is not None and _usps_check_digit(number[:21]) == number[21]
    if carrier == Carrier.FEDEX:
        return _FEDEX_PATTERN.fullmatch(number) is not None and _fedex_check_digit(number[:11]) == number[11]
    return False


def _shipment(
    order_id: str, warehouse: Warehouse, lines: dict[str, int], destination: Location | None, shipped_on: date
) -> Shipment:
    distance = warehouse.location.distance_km(destination) if destination is not None else None
    service = service_for(distance)
    draws = _Draws(order_id, warehouse.id)
    return Shipment(
        id=f"shp_{draws.digest[:20]}",
        warehouse_id=warehouse.id,
        carrier=service.carrier.value,
        tracking_number=_tracking_number(service.carrier, draws),
        estimated_delivery=add_business_days(shipped_on, service.transit_business_days).isoformat(),
        lines=tuple(sorted(lines.items())),
    )


class _Draws:
    """Figures drawn from a hash of the order and warehouse ids: the same ids always draw the same figures."""

    _ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def __init__(self, order_id: str, warehouse_id: str) -> None:
        # Length-prefixed so that ("ab", "c") and ("a", "bc") hash apart.
        self.digest = hashlib.sha256(f"{len(order_id)}:{order_id}{warehouse_id}".encode()).hexdigest()
        self._pool = int(self.digest, 16)

    def digits(self, count: int) -> str:
        return "".join(self._take("0123456789") for _ in range(count))

    def alphanumerics(self, count: int) -> str:
        return "".join(self._take(self._ALPHANUMERIC) for _ in range(count))

    def _take(self, alphabet: str) -> str:
        # 256 bits cover ~49 base-36 draws; a tracking number needs at most 20 draws.
        self._pool, index = divmod(self._pool, len(alphabet))
        return alphabet[index]


def _tracking_number(carrier: Carrier, draws: _Draws) -> str:
    if carrier is Carrier.UPS:
        # 1Z, shipper account (6), service code (03 = UPS Ground), package number (7), check digit.
        body = draws.alphanumerics(6) + "03" + draws.digits(7)
        return f"1Z{body}{_ups_check_digit(body)}"
    if carrier is Carrier.USPS:
        # IMpb without routing code (USPS Publication 199): channel 94, service type 001 (Priority Mail),
        # a 9-digit Mailer ID (those start with 9), a 7-digit serial, the mod-10 check digit.
        body = "94" + "001" + "9" + draws.digits(8) + draws.digits(7)
        return f"{body}{_usps_check_digit(body)}"
    # FedEx's 12-digit number: 11 digits and a check digit.
    body = draws.digits(11)
    return f"{body}{_fedex_check_digit(body)}"


def _ups_check_digit(body: str) -> str:
    # UPS reads a letter as a digit (A=2, B=3 … H=9, I=0, J=1 …: ASCII - 63, mod 10); every second value counts double.
    values = [int(c) if c.isdigit() else (ord(c) - 63) % 10 for c in body]
    total = sum(value * (2 if index % 2 else 1) for index, value in enumerate(values))
    return str(-total % 10)


def _usps_check_digit(body: str) -> str:
    # USPS Pub. 199: from the rightmost digit leftwards, weights 3, 1, 3, 1 …; the check digit rounds up to a ten.
    total = sum(int(c) * (3 if index % 2 == 0 else 1) for index, c in enumerate(reversed(body)))
    return str(-total % 10)


def _fedex_check_digit(body: str) -> str:
    # FedEx 12-digit numbers: from the rightmost digit leftwards, weights 1, 3, 7 …; the sum mod 11, and 10 reads as 0.
    weights = (1, 3, 7)
    total = sum(int(c) * weights[index % 3] for index, c in enumerate(reversed(body)))
    return str(total % 11 % 10)
