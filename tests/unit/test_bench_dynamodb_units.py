"""DynamoDB request units as `make bench` computes them from the items really written and read."""

from __future__ import annotations

import pytest

from bench.dynamodb_requests import reads_of, write_targets
from bench.dynamodb_units import (
    INDEX_ENTRY_OVERHEAD_BYTES,
    IndexLayout,
    index_write_units,
    item_size,
    item_write_units,
    number_size,
    read_units,
    write_units,
)

BY_STATUS = IndexLayout(("status", "created_at"))
BY_STATUS_KEYS_ONLY = IndexLayout(("status", "created_at"), projected=frozenset({"id", "status", "created_at"}))


def an_order(status: str, note: str = "") -> dict[str, dict[str, str]]:
    return {
        "id": {"S": "ord_1"},
        "status": {"S": status},
        "created_at": {"S": "2026-11-24T09:30:00.000Z"},
        "note": {"S": note},
    }


def test_an_item_weighs_its_attribute_names_and_values() -> None:
    assert item_size({"id": {"S": "abc"}}) == 2 + 3
    assert item_size({"ok": {"BOOL": True}, "gone": {"NULL": True}}) == (2 + 1) + (4 + 1)
    assert item_size({"tags": {"SS": ["a", "bc"]}}) == 4 + 3


def test_lists_and_maps_cost_three_bytes_plus_one_per_element() -> None:
    assert item_size({"l": {"L": [{"S": "ab"}, {"N": "1"}]}}) == 1 + 3 + (2 + 1) + (2 + 1)
    assert item_size({"m": {"M": {"k": {"S": "v"}}}}) == 1 + 3 + (1 + 1 + 1)


@pytest.mark.parametrize(("number", "size"), [("0", 2), ("7", 2), ("12", 2), ("123", 3), ("1000", 2), ("-12.5", 3)])
def test_a_number_costs_a_byte_per_two_significant_digits_plus_one(number: str, size: int) -> None:
    assert number_size(number) == size


def test_writes_cost_a_unit_per_started_kilobyte_and_at_least_one() -> None:
    assert [write_units(size) for size in (0, 1, 1024, 1025, 3000)] == [1, 1, 1, 2, 3]


def test_reads_cost_a_unit_per_started_4_kb_and_half_when_eventually_consistent() -> None:
    assert read_units(0, consistent=True) == 1
    assert read_units(4097, consistent=True) == 2
    assert read_units(4097, consistent=False) == 1
    assert read_units(100, consistent=False) == 0.5


def test_a_transaction_doubles_the_table_units_of_each_item() -> None:
    before, after = an_order("AUTHORIZED"), an_order("RESERVED")

    plain = item_write_units(before, after, [])
    transactional = item_write_units(before, after, [], transactional=True)

    assert (plain.table, transactional.table) == (1, 2)


def test_the_larger_of_the_before_and_after_image_decides_the_units() -> None:
    big = an_order("AUTHORIZED", note="x" * 1500)

    assert item_write_units(big, an_order("AUTHORIZED"), []).table == 2
    assert item_write_units(big, None, []).table == 2  # a delete


def test_an_index_key_change_writes_the_index_twice_delete_then_put() -> None:
    assert index_write_units(an_order("AUTHORIZED"), an_order("RESERVED"), BY_STATUS) == 2


def test_an_item_entering_or_leaving_an_index_writes_it_once() -> None:
    assert index_write_units(None, an_order("AUTHORIZED"), BY_STATUS) == 1
    assert index_write_units(an_order("AUTHORIZED"), None, BY_STATUS) == 1


def test_an_item_without_the_index_keys_never_writes_the_index() -> None:
    no_status = {"id": {"S": "ord_1"}}

    assert index_write_units(no_status, {**no_status, "note": {"S": "changed"}}, BY_STATUS) == 0


def test_an_index_entry_is_rewritten_when_another_attribute_changes_and_not_when_nothing_does() -> None:
    assert index_write_units(an_order("AUTHORIZED"), an_order("AUTHORIZED", note="gift"), BY_STATUS) == 1
    assert index_write_units(an_order("AUTHORIZED"), an_order("AUTHORIZED"), BY_STATUS) == 0


def test_an_index_entry_carries_a_hundred_bytes_of_overhead() -> None:
    just_fits = an_order("AUTHORIZED", note="x" * (1024 - item_size(an_order("AUTHORIZED"))))
    assert item_size(just_fits) == 1024

    assert item_write_units(None, just_fits, [BY_STATUS]).indexes == write_units(1024 + INDEX_ENTRY_OVERHEAD_BYTES) == 2


def test_a_keys_only_index_writes_nothing_when_only_other_attributes_change() -> None:
    before, after = an_order("AUTHORIZED"), an_order("AUTHORIZED", note="gift")

    assert index_write_units(before, after, BY_STATUS_KEYS_ONLY) == 0
    assert item_write_units(before, after, [BY_STATUS_KEYS_ONLY, BY_STATUS]).indexes == 1  # only the ALL one


def test_a_keys_only_entry_weighs_the_table_and_index_keys_not_the_item() -> None:
    big = an_order("AUTHORIZED", note="x" * 3000)

    assert index_write_units(None, big, BY_STATUS) == 4  # ALL: the 3 KB item and its overhead
    assert index_write_units(None, big, BY_STATUS_KEYS_ONLY) == 1
    assert index_write_units(big, an_order("RESERVED", note="x" * 3000), BY_STATUS_KEYS_ONLY) == 1 + 1


def test_a_keys_only_entry_counts_the_table_key_too() -> None:
    # Index keys alone are ~60 bytes; with a 1,000-byte order id the entry passes 1 KB and costs 2 units.
    long_id = {**an_order("AUTHORIZED"), "id": {"S": "o" * 1000}}
    keys_only = {name: long_id[name] for name in ("id", "status", "created_at")}
    assert item_size(keys_only) + INDEX_ENTRY_OVERHEAD_BYTES > 1024

    assert index_write_units(None, long_id, BY_STATUS_KEYS_ONLY) == 2


def test_an_included_attribute_rewrites_a_keys_only_style_entry_when_it_changes() -> None:
    with_note = IndexLayout(("status", "created_at"), projected=frozenset({"id", "status", "created_at", "note"}))

    assert index_write_units(an_order("AUTHORIZED"), an_order("AUTHORIZED", note="gift"), with_note) == 1
    assert index_write_units(an_order("AUTHORIZED"), an_order("AUTHORIZED"), with_note) == 0


def test_a_transaction_writes_each_of_its_items_a_put_known_from_the_request() -> None:
    put = {"Put": {"TableName": "events", "Item": {"order_id": {"S": "o"}, "id": {"S": "e"}}}}
    update = {"Update": {"TableName": "orders", "Key": {"id": {"S": "o"}}, "UpdateExpression": "SET a = :a"}}
    check = {"ConditionCheck": {"TableName": "orders", "Key": {"id": {"S": "p"}}, "ConditionExpression": "x"}}

    targets = list(write_targets("TransactWriteItems", {"TransactItems": [put, update, check]}))

    assert [(t.table, t.after_from_request is not None) for t in targets] == [
        ("events", True),
        ("orders", False),
        ("orders", False),
    ]


def test_a_query_is_billed_once_on_everything_it_read_and_an_index_query_is_eventually_consistent() -> None:
    items = [{"pad": {"S": "x" * 3000}}, {"pad": {"S": "y" * 3000}}]
    body = {"TableName": "orders", "ConsistentRead": True}

    (table_read,) = reads_of("Query", body, {"Items": items})
    (index_read,) = reads_of("Query", {**body, "IndexName": "by_status"}, {"Items": items})

    assert table_read == ("orders", 2.0)
    assert index_read == ("orders", 1.0)


def test_a_batch_read_is_billed_item_by_item() -> None:
    answer = {"Responses": {"inventory": [{"a": {"S": "1"}}, {"a": {"S": "2"}}, {"a": {"S": "3"}}]}}

    assert sum(units for _, units in reads_of("BatchGetItem", {"RequestItems": {}}, answer)) == 1.5
