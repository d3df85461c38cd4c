"""docs/architecture.md draws the order life cycle; it must draw exactly commerce/order_status.py's TRANSITIONS.

When the life cycle moves (an Order aggregate), import its transition table from there and keep this test.
"""

from __future__ import annotations

import re
from pathlib import Path

from commerce.order_status import TRANSITIONS

DOC = Path(__file__).parents[2] / "docs" / "architecture.md"
START = "[*]"
# `A --> B` or `A --> B: what makes it happen`; `[*]` is the start (as a source) or the end (as a target).
_EDGE = re.compile(r"^\s*(\[\*\]|\w+)\s*-->\s*(\[\*\]|\w+)\s*(?::.*)?$")


def life_cycle_diagram(text: str) -> str:
    blocks: list[str] = re.findall(r"```mermaid\n(.*?)```", text, flags=re.DOTALL)
    diagrams = [block for block in blocks if block.lstrip().startswith("stateDiagram-v2")]
    assert len(diagrams) == 1, f"{DOC} should hold one ```mermaid stateDiagram-v2 block, found {len(diagrams)}"
    return diagrams[0]


def drawn_edges(diagram: str) -> set[tuple[str, str]]:
    return {(match[1], match[2]) for line in diagram.splitlines() if (match := _EDGE.match(line))}


def expected_edges() -> set[tuple[str, str]]:
    """TRANSITIONS, plus `[*] --> s` for each status nothing leads to and `s --> [*]` for each that leads nowhere."""
    edges = {(source.value, target.value) for source, targets in TRANSITIONS.items() for target in targets}
    reached = {target for targets in TRANSITIONS.values() for target in targets}
    edges |= {(START, status.value) for status in TRANSITIONS if status not in reached}
    edges |= {(status.value, START) for status, targets in TRANSITIONS.items() if not targets}
    return edges


def _lines(edges: set[tuple[str, str]]) -> str:
    return "\n".join(f"    {source} --> {target}" for source, target in sorted(edges))


def test_the_life_cycle_diagram_draws_exactly_the_transitions_of_order_status() -> None:
    drawn = drawn_edges(life_cycle_diagram(DOC.read_text()))
    expected = expected_edges()
    assert drawn == expected, (
        f"The order life cycle in {DOC.relative_to(DOC.parents[1])} (the ```mermaid stateDiagram-v2 block) and "
        "TRANSITIONS in commerce/order_status.py disagree. Edit the diagram: one `SOURCE --> TARGET: what makes it "
        "happen` line per transition, `[*] --> S` for the first status and `S --> [*]` for each terminal one. "
        "Preview it on GitHub or at https://mermaid.live.\n"
        f"Add these lines:\n{_lines(expected - drawn) or '    (none)'}\n"
        f"Remove these lines:\n{_lines(drawn - expected) or '    (none)'}"
    )


def test_an_edge_missing_from_the_diagram_is_named_in_the_failure() -> None:
    diagram = life_cycle_diagram(DOC.read_text())
    without_shipping = "\n".join(line for line in diagram.splitlines() if "CAPTURED --> SHIPPED" not in line)
    assert ("CAPTURED", "SHIPPED") in expected_edges() - drawn_edges(without_shipping)
