"""Write the SDL to graphql_api/schema.graphql (`python -m graphql_api.export_schema`); CI fails on drift."""

from __future__ import annotations

from pathlib import Path

from graphql_api.schema import build_schema

SCHEMA_FILE = Path(__file__).with_name("schema.graphql")


def sdl() -> str:
    return build_schema(production=True).as_str() + "\n"


if __name__ == "__main__":
    SCHEMA_FILE.write_text(sdl())
    print(f"wrote {SCHEMA_FILE}")
