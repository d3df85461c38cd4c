"""Integration tests run on the local cloud; its session fixtures (`local_cloud`, `services`) are in tests/conftest.py."""
