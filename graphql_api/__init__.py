"""The GraphQL API: Strawberry schema, per-request context, the ASGI app and its Lambda handler."""
