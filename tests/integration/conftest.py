"""Integration tests run on the local cloud; its session fixtures live in tests/conftest.py."""
