"""The cost tables: what one order uses, and what that costs per million orders as a Standard and as an Express
workflow, from the run that placed orders one at a time (bench/pipelines.py) plus the SPA's modelled polls."""

from __future__ import annotations

import statistics
from typing import Any

from bench.cost import PRICES, PRICES_COMPILED, PRICES_IN_EFFECT_SINCE, cost_table
from bench.report import emit, print_table
from bench.spa import polls_until_terminal, read_schedule
from bench.usage_model import OrderUsage

COST_TARGET = 25.0  # $ per million orders, Stripe's fees aside, from the performance issue


def show_cost(run: dict[str, Any]) -> dict[str, Any]:
    schedule = read_schedule()
    to_terminal = run["payment_to_fulfilled_s"]
    polls = statistics.mean(polls_until_terminal(seconds, schedule) for seconds in to_terminal)
    base = OrderUsage.from_json(run["usage"])
    poll = OrderUsage.from_json(run["poll"])
    usage = base.plus(poll, polls)
    show_usage(run, usage, polls)
    standard, express = cost_table(usage, "STANDARD"), cost_table(usage, "EXPRESS")
    items = dict.fromkeys(line.item for line in standard.lines + express.lines)
    by_item = {line.item: line for line in standard.lines + express.lines}
    in_standard = {line.item: line for line in standard.lines}
    in_express = {line.item: line for line in express.lines}
    rows = [
        [
            item,
            f"{by_item[item].quantity:.3g}",
            by_item[item].unit,
            f"{in_standard[item].usd_per_million_orders:.2f}" if item in in_standard else "-",
            f"{in_express[item].usd_per_million_orders:.2f}" if item in in_express else "-",
        ]
        for item in items
    ]
    rows.append(
        ["total within the target (all but SES)", "", "", f"{standard.target_total:.2f}", f"{express.target_total:.2f}"]
    )
    rows.append(["total with SES", "", "", f"{standard.total:.2f}", f"{express.total:.2f}"])
    verdict = {wf.workflow: "met" if wf.target_total <= COST_TARGET else "NOT met" for wf in (standard, express)}
    print_table(
        f"Cost per million orders on AWS (us-east-1 list prices in effect since {PRICES_IN_EFFECT_SINCE},"
        f" compiled {PRICES_COMPILED}), $",
        ["", "per order", "unit", "Standard", "Express"],
        rows,
        note=f"target ≤ ${COST_TARGET:.0f} per million orders (Stripe fees and SES aside):"
        f" Standard {verdict['STANDARD']}, Express {verdict['EXPRESS']}."
        f" Includes {polls:.1f} modelled orderUpdates polls per order.",
    )
    page_view = OrderUsage.from_json(run["page_view"])
    page_view_cost = cost_table(page_view, "EXPRESS").target_total
    emit(f"  for scale: a storefront page (products, first 20) costs ${page_view_cost:.2f} per million views")
    return {
        "prices": {
            name: {"usd": p.usd, "per": p.per, "unit": p.unit, "source": p.source} for name, p in PRICES.items()
        },
        "prices_in_effect_since": PRICES_IN_EFFECT_SINCE,
        "prices_compiled": PRICES_COMPILED,
        "polls_per_order": polls,
        "usage_per_order": usage.as_json(),
        "standard": _table_json(standard),
        "express": _table_json(express),
        "page_view_usd_per_million": page_view_cost,
    }


def show_usage(run: dict[str, Any], usage: OrderUsage, polls: float) -> None:
    calls = [[name, f"{count:.2f}"] for name, count in run["calls_per_order"].items()]
    calls.append([f"http api: Updates (SPA polls, modelled from {schedule_text()})", f"{polls:.2f}"])
    print_table("What one order uses: calls per order (orders placed one at a time)", ["", "per order"], calls)
    tables = [
        [
            name,
            f"{table['requests']:.1f}",
            f"{table['read_units']:.2f}",
            f"{table['write_units']:.1f}",
            f"{table['index_write_units']:.1f}",
            f"{table['mean_item_bytes']:.0f}",
        ]
        for name, table in run["dynamodb_tables"].items()
    ]
    tables.append(["total, polls included", "", f"{usage.read_units:.2f}", f"{usage.write_units:.1f}", "", ""])
    print_table(
        "DynamoDB per order, from the items really read and written",
        ["table", "requests", "read units", "item write units", "index write units", "mean item B"],
        tables,
        note="the total adds the items' and the indexes' write units; transactions count the items' double.",
    )
    functions = [
        [
            f.function,
            f"{f.invocations:.2f}",
            f"{f.billed_ms / f.invocations:.0f}" if f.invocations else "-",
            f.memory_mb,
            f"{f.gb_seconds:.4f}",
        ]
        for f in usage.functions
    ]
    print_table(
        "Lambda per order: invocations, mean billed duration measured locally, configured memory",
        ["function", "invocations", "ms each", "MB", "GB-s"],
        functions,
        note=f"the machine had {run['cpu']['machine_cores']:.1f} of {run['cpu']['cores']} cores busy meanwhile:"
        " durations stretch when it is shared.",
    )


def schedule_text() -> str:
    schedule = read_schedule()
    return (
        f"every {schedule.fast_interval_s:g} s for {schedule.fast_window_s:g} s, then every {schedule.interval_s:g} s,"
        " from payment until terminal"
    )


def _table_json(table: Any) -> dict[str, Any]:
    return {
        "lines": [
            {
                "item": line.item,
                "per_order": line.quantity,
                "unit": line.unit,
                "usd_per_million_orders": line.usd_per_million_orders,
                "in_target": line.in_target,
            }
            for line in table.lines
        ],
        "target_total": table.target_total,
        "total": table.total,
        "target": COST_TARGET,
        "met": table.target_total <= COST_TARGET,
    }
