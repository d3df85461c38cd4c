"""Every interleaving of two operations on one shop: a deterministic scheduler, a table of pairs, invariants.

Run `python -m tests.interleaving --bound 3`; docs/interleaving.md says what it checks and how to add a pair.
"""
