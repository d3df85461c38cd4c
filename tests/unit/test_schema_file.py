from __future__ import annotations

from graphql_api.export_schema import SCHEMA_FILE, sdl


def test_the_committed_schema_file_matches_the_code() -> None:
    assert SCHEMA_FILE.read_text() == sdl(), (
        "graphql_api/schema.graphql is stale: run `make schema` (python -m graphql_api.export_schema) and commit it"
    )


def test_the_client_cannot_send_a_price_or_a_status_when_placing_an_order() -> None:
    text = sdl()
    place_order_input = text[text.index("input PlaceOrderInput") :].split("}", 1)[0]
    line_input = text[text.index("input OrderLineInput") :].split("}", 1)[0]
    for forbidden in ("price", "amount", "status", "total"):
        assert forbidden not in place_order_input.lower()
        assert forbidden not in line_input.lower()
