"""`python -m tests.interleaving [--bound 3] [--only text]`: every pair, schedules and seconds, failing schedules."""

from __future__ import annotations

import argparse
import logging
import sys

from tests.interleaving.run import run_interleavings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bound", type=int, default=2, help="preemptions per schedule (default 2)")
    parser.add_argument("--only", help="pairs whose name contains this text")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # the code under test logs its races; the schedules say more
    result = run_interleavings(args.bound, args.only)
    width = max((len(found.pair.name) for found in result.explorations), default=10)
    print(f"{'pair'.ljust(width)}  schedules  seconds  verdict")
    for found in result.explorations:
        verdict = "ok" if found.passed else ("known bug" if found.pair.known_bug else "VIOLATION")
        print(f"{found.pair.name.ljust(width)}  {found.schedules:>9}  {found.seconds:>7.2f}  {verdict}")
    for found in result.explorations:
        if not found.passed:
            print(f"\n{found.report()}")
    for violation in result.violations:
        if "no longer found" in violation:
            print(f"\n{violation}")
    print(f"\nbound {args.bound}: {sum(result.schedules.values())} schedules in {result.seconds} s")
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
