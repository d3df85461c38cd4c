"""How many live holds one customer and one source address may have: so that declining cards or a script's many
unpaid orders cannot tie up a sale's stock.

Each key (a customer's normalised email, a source address) has `cap` slots; a new hold first claims a free slot of
each of its keys, before any stock is taken and before Stripe is touched. A slot is one item claimed by a
conditional write (free, already this order's, or expired at `now`), so a burst of parallel payOrders of one
hoarder never holds more than `cap`: no count is read and then written. A slot expires with its hold (`settle`
sets the hold's expiry on it), so a hold that lapses frees its slot by time alone, judged by the injected clock
(DynamoDB's TTL deletes late and is only housekeeping); converting or releasing the hold frees it at once.
"""

from __future__ import annotations

import hashlib
import ipaddress
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from commerce.clock import to_iso
from commerce.errors import DomainError

# The defaults (docs/api.md, payOrder, says why): a shopper paying for a few orders at once, or a household behind
# one address, stays under them; a script holding a sale's stock does not.
HOLDS_PER_CUSTOMER = 3
HOLDS_PER_SOURCE = 5
MAX_CAP = 50  # each slot is an item a claim may try (and a refusal reads): the cost of a claim grows with the cap


class HoldKind(StrEnum):
    CUSTOMER = "customer"
    SOURCE = "source"


@dataclass(frozen=True, slots=True)
class HoldLimits:
    per_customer: int = HOLDS_PER_CUSTOMER
    per_source: int = HOLDS_PER_SOURCE  # 0: no cap per address (locally, where every caller is 127.0.0.1)

    def __post_init__(self) -> None:
        # A claim tries up to `cap` slot items: a cap is a handful, never a way of saying "unlimited".
        if not 1 <= self.per_customer <= MAX_CAP or not 0 <= self.per_source <= MAX_CAP:
            raise ValueError(f"hold limits must be between 1 (0 for the source: off) and {MAX_CAP}")

    def keys(self, email: str, source: str | None) -> list[HoldKey]:
        """The keys a hold counts against; without a source (no request, e.g. a test's direct call) the email's."""
        keys = [HoldKey(HoldKind.CUSTOMER, normalised_email(email), self.per_customer)]
        if source and self.per_source:
            keys.append(HoldKey(HoldKind.SOURCE, normalised_source(source), self.per_source))
        return keys


@dataclass(frozen=True, slots=True)
class HoldKey:
    kind: HoldKind
    value: str
    cap: int

    @property
    def slot_names(self) -> list[str]:
        # Hashed: the idempotency table then holds no email or address in its keys.
        digest = hashlib.sha256(self.value.encode()).hexdigest()[:32]
        return [f"hold-slot#{self.kind.value}#{digest}#{index}" for index in range(self.cap)]


@dataclass(frozen=True, slots=True)
class HoldSlot:
    name: str
    holder: str  # the order id
    until: str  # ISO (commerce.clock.to_iso): the hold's expiry; free at and after it


def normalised_email(email: str) -> str:
    """Lower case, and without a "+tag": one mailbox is one customer however many tags a script makes up."""
    local, _, domain = email.strip().lower().rpartition("@")
    return f"{local.partition('+')[0]}@{domain}" if local else domain


def normalised_source(address: str) -> str:
    """An IPv4 address as it is; an IPv6 one as its /64, which one subscriber gets whole (RFC 6177), so a script
    cannot take a new address of its own prefix per hold."""
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip().lower()
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False))
    return str(parsed)


class HoldLimitReachedError(DomainError):
    """`free_at`: when the first of the key's holds lapses, unless paid or cancelled before."""

    def __init__(self, kind: HoldKind, cap: int, free_at: str) -> None:
        super().__init__(f"{cap} orders of this {kind.value} already hold stock")
        self.kind = kind
        self.cap = cap
        self.free_at = free_at


class HoldSlotRepository(ABC):
    """The protocol (which slots, in what order, what a refusal says); implementations store single slots."""

    def claim(self, order_id: str, keys: Sequence[HoldKey], until: datetime, now: datetime) -> list[str]:
        """Claim (or renew) one slot of each key for the order until `until`: the slots' names.

        Raises HoldLimitReachedError when a key's slots are all held by other orders' live holds; then the slots
        this call claimed anew are given back, so a refusal holds nothing.
        """
        claimed: list[str] = []
        fresh: list[str] = []
        try:
            for key in keys:
                name, is_new = self._claim_one(order_id, key, to_iso(until), to_iso(now))
                claimed.append(name)
                if is_new:
                    fresh.append(name)
        except HoldLimitReachedError:
            for name in fresh:
                self._free(name, order_id)
            raise
        self._remember(order_id, claimed, until)
        return claimed

    def settle(self, order_id: str, names: Sequence[str], until: datetime) -> None:
        """Make the order's slots expire with its hold, as taken or renewed (its expiry is known only then)."""
        for name in names:
            self._set_until(name, order_id, to_iso(until))

    def release(self, order_id: str) -> int:
        """Free every slot the order holds (its hold converted or was given back); how many were freed."""
        names = self._remembered(order_id)
        freed = sum(self._free(name, order_id) for name in names)
        if names:
            self._forget(order_id)
        return freed

    def live(self, key: HoldKey, now: datetime) -> list[HoldSlot]:
        """The key's slots held at `now` (for tests and the interleaving explorer's invariant)."""
        moment = to_iso(now)
        return [slot for slot in self._read(key.slot_names).values() if slot.until > moment]

    def _claim_one(self, order_id: str, key: HoldKey, until: str, now: str) -> tuple[str, bool]:
        names = key.slot_names
        # A hint, not a decision: the order's own slot is tried first so that a renewal keeps it; every claim is
        # decided by its conditional write.
        stored = self._read(names)
        mine = [name for name in names if name in stored and stored[name].holder == order_id]
        refusals: list[HoldSlot] = []
        for name in mine + [name for name in names if name not in mine]:
            refused = self._take(name, order_id, until, now)
            if refused is None:
                return name, name not in mine
            refusals.append(refused)
        raise HoldLimitReachedError(key.kind, key.cap, min(slot.until for slot in refusals))

    @abstractmethod
    def _read(self, names: Sequence[str]) -> dict[str, HoldSlot]: ...

    @abstractmethod
    def _take(self, name: str, order_id: str, until: str, now: str) -> HoldSlot | None:
        """Hold the slot for the order until `until` if it is free, the order's, or expired at `now`: None; else
        the slot as stored (who holds it, until when)."""

    @abstractmethod
    def _set_until(self, name: str, order_id: str, until: str) -> None:
        """Move the slot's expiry if the order still holds it; nothing otherwise."""

    @abstractmethod
    def _free(self, name: str, order_id: str) -> bool:
        """Delete the slot if the order holds it; False otherwise."""

    @abstractmethod
    def _remember(self, order_id: str, names: Sequence[str], until: datetime) -> None:
        """Add `names` to the slots recorded for the order (release finds them there: the order does not carry its
        source address)."""

    @abstractmethod
    def _remembered(self, order_id: str) -> list[str]: ...

    @abstractmethod
    def _forget(self, order_id: str) -> None: ...
