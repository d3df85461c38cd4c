"""A small IAM policy evaluator: does an identity policy allow one action on one resource, in one request context?

It follows AWS's evaluation logic for a single identity-based policy ("Policy evaluation logic", IAM user guide): an
explicit Deny wins, else an Allow that matches, else the implicit deny. It reads what our documents use — Effect,
Action/NotAction, Resource/NotResource with `*` and `?` wildcards, and the String and Arn condition operators — and
raises `PolicyNotUnderstoodError` on anything else (a policy variable, `IfExists`, a set operator, a Principal): a
checker that skipped what it cannot read would allow more than AWS does, or less, without anyone noticing.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

_TOP_LEVEL = frozenset({"Version", "Id", "Statement"})
_STATEMENT = frozenset({"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"})
_VERSIONS = frozenset({"2012-10-17", "2008-10-17"})

Context = Mapping[str, str]  # condition key (any case) → the request's single value


class PolicyNotUnderstoodError(ValueError):
    """The policy holds an element or operator this evaluator does not implement."""


def evaluate(policy: Mapping[str, Any], action: str, resource: str, context: Context | None = None) -> bool:
    """True when `policy` allows `action` on `resource`: some Allow statement matches and no Deny statement does."""
    request_context = {key.lower(): value for key, value in (context or {}).items()}
    allowed = False
    for statement in statements(policy):
        if _matches(statement, action, resource, request_context):
            if statement["Effect"] == "Deny":
                return False
            allowed = True
    return allowed


def statements(policy: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The policy's statements, each checked for elements this evaluator understands."""
    unknown = set(policy) - _TOP_LEVEL
    if unknown:
        raise PolicyNotUnderstoodError(f"policy elements not understood: {sorted(unknown)}")
    if policy.get("Version") not in _VERSIONS:
        raise PolicyNotUnderstoodError(f"policy Version {policy.get('Version')!r} is not one IAM knows")
    raw = policy.get("Statement")
    listed = [raw] if isinstance(raw, Mapping) else raw
    if not isinstance(listed, list) or not listed:
        raise PolicyNotUnderstoodError("a policy needs a Statement")
    for statement in listed:
        _check_statement(statement)
    return listed


def condition_keys(policy: Mapping[str, Any]) -> set[str]:
    """Every condition key the policy reads, lower-cased (keys are case-insensitive in IAM)."""
    return {
        key.lower()
        for statement in statements(policy)
        for by_key in statement.get("Condition", {}).values()
        for key in by_key
    }


def _check_statement(statement: Any) -> None:
    if not isinstance(statement, Mapping):
        raise PolicyNotUnderstoodError(f"a statement must be an object, not {statement!r}")
    unknown = set(statement) - _STATEMENT
    if unknown:
        raise PolicyNotUnderstoodError(
            f"statement {statement.get('Sid', '')!r}: elements not understood {sorted(unknown)}"
        )
    if statement.get("Effect") not in ("Allow", "Deny"):
        raise PolicyNotUnderstoodError(f"statement {statement.get('Sid', '')!r}: Effect must be Allow or Deny")
    for element, negated in (("Action", "NotAction"), ("Resource", "NotResource")):
        if (element in statement) == (negated in statement):
            raise PolicyNotUnderstoodError(
                f"statement {statement.get('Sid', '')!r}: exactly one of {element} and {negated}"
            )
    for resource in _listed(statement.get("Resource", statement.get("NotResource"))):
        if "${" in resource:
            raise PolicyNotUnderstoodError(f"policy variables are not understood: {resource!r}")
    condition = statement.get("Condition", {})
    if not isinstance(condition, Mapping):
        raise PolicyNotUnderstoodError(f"statement {statement.get('Sid', '')!r}: Condition must be an object")
    for operator, by_key in condition.items():
        if operator not in _OPERATORS:
            raise PolicyNotUnderstoodError(f"condition operator {operator!r} is not understood")
        if not isinstance(by_key, Mapping) or not by_key:
            raise PolicyNotUnderstoodError(f"condition {operator!r} must map keys to values")


def _matches(statement: Mapping[str, Any], action: str, resource: str, context: Context) -> bool:
    if "Action" in statement:
        action_listed = any(action_matches(pattern, action) for pattern in _listed(statement["Action"]))
    else:
        action_listed = not any(action_matches(pattern, action) for pattern in _listed(statement["NotAction"]))
    if not action_listed:
        return False
    if "Resource" in statement:
        resource_listed = any(resource_matches(pattern, resource) for pattern in _listed(statement["Resource"]))
    else:
        resource_listed = not any(resource_matches(p, resource) for p in _listed(statement["NotResource"]))
    if not resource_listed:
        return False
    return all(
        _condition_holds(operator, key, _listed(values), context)
        for operator, by_key in statement.get("Condition", {}).items()
        for key, values in by_key.items()
    )


def _listed(value: Any) -> list[str]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(item, str) for item in values):
        raise PolicyNotUnderstoodError(f"expected a string or a list of strings, not {value!r}")
    return values


@cache
def _wildcard(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    # IAM wildcards are `*` (any run of characters, `/` and `:` included) and `?` (one character); nothing else is
    # special, unlike fnmatch's `[...]`, so the pattern is escaped first and only those two are turned back.
    translated = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".")
    return re.compile(f"^{translated}$", re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def action_matches(pattern: str, action: str) -> bool:
    # Action names are case-insensitive ("IAM JSON policy elements: Action").
    return bool(_wildcard(pattern, ignore_case=True).match(action))


def resource_matches(pattern: str, resource: str) -> bool:
    return bool(_wildcard(pattern, ignore_case=False).match(resource))


def _string_like(pattern: str, value: str) -> bool:
    return bool(_wildcard(pattern, ignore_case=False).match(value))


def _arn_like(pattern: str, value: str) -> bool:
    # ArnLike compares each of the six colon-separated parts; a `*` does not cross a part's boundary.
    pattern_parts, value_parts = pattern.split(":", 5), value.split(":", 5)
    if len(pattern_parts) != len(value_parts):
        return False
    return all(fnmatch.fnmatchcase(v, p.replace("[", "[[]")) for p, v in zip(pattern_parts, value_parts, strict=True))


_POSITIVE = {
    "StringEquals": lambda pattern, value: pattern == value,
    "StringEqualsIgnoreCase": lambda pattern, value: pattern.lower() == value.lower(),
    "StringLike": _string_like,
    "ArnEquals": _arn_like,  # AWS documents ArnEquals and ArnLike as the same comparison
    "ArnLike": _arn_like,
}
_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
}
_OPERATORS = frozenset({*_POSITIVE, *_NEGATED})


def _condition_holds(operator: str, key: str, values: Iterable[str], context: Context) -> bool:
    """A key's values are ORed; a key missing from the request fails a positive operator and passes a negated one
    ("IAM JSON policy elements: Condition operators")."""
    value = context.get(key.lower())
    if operator in _NEGATED:
        return value is None or not any(_POSITIVE[_NEGATED[operator]](pattern, value) for pattern in values)
    return value is not None and any(_POSITIVE[operator](pattern, value) for pattern in values)
