"""Evaluating a rule's condition against the facts of a plan, in three-valued logic.

``True`` the condition holds, ``False`` it does not, ``None`` the plan does not state a fact the
condition needs (the rule's ``if_unknown`` policy then decides).
"""

from __future__ import annotations

from typing import Any

from heredity.rights._schema import Condition, Contains, Match, NameTest, Range

# Where each fact comes from, for messages about missing facts.
FACT_SOURCES: dict[str, str] = {
    "role": "the party's role",
    "access": "teachers[].access",
    "provider": "teachers[].provider",
    "method": "method",
    "signals": "teachers[].signals",
    "distribution": "intended_use.distribution",
    "distributed": "intended_use.distribution",
    "regions": "intended_use.regions",
    "student_base": "the licence of student.init_from",
    "purpose": "intended_use.purpose",
    "commercial": "intended_use.commercial",
    "competes": "intended_use.competes_with",
    "general_purpose": "intended_use.purpose",
    "monthly_active_users": "intended_use.monthly_active_users",
    "student_name": "student.name",
}

Result = bool | None


def _low(values: list[str]) -> list[str]:
    return [v.strip().lower() for v in values]


def _match(test: Match, value: Any) -> Result:
    if value is None:
        return None
    have = set(_low(value)) if isinstance(value, list) else {str(value).strip().lower()}
    if test.any is not None and not have & set(_low(test.any)):
        return False
    return not (test.none is not None and have & set(_low(test.none)))


def _contains(test: Contains, value: Any) -> Result:
    if value is None:
        return None
    text = str(value).lower()
    if test.any is not None and not any(w in text for w in _low(test.any)):
        return False
    return not (test.none is not None and any(w in text for w in _low(test.none)))


def _range(test: Range, value: Any) -> Result:
    if value is None:
        return None
    v = int(value)
    checks = [
        test.gt is None or v > test.gt,
        test.ge is None or v >= test.ge,
        test.lt is None or v < test.lt,
        test.le is None or v <= test.le,
    ]
    return all(checks)


def _name(test: NameTest, value: Any) -> Result:
    if value is None:
        return None
    name = str(value)
    if test.starts_with is not None and not any(name.startswith(p) for p in test.starts_with):
        return False
    return not (
        test.not_starts_with is not None and any(name.startswith(p) for p in test.not_starts_with)
    )


def _and(results: list[Result]) -> Result:
    if any(r is False for r in results):
        return False
    return None if any(r is None for r in results) else True


def _or(results: list[Result]) -> Result:
    if any(r is True for r in results):
        return True
    return None if any(r is None for r in results) else False


def evaluate(cond: Condition, facts: dict[str, Any]) -> tuple[Result, list[str]]:
    """Evaluate a condition; return the result and the facts that were missing."""
    results: list[Result] = []
    missing: list[str] = []

    def note(name: str, result: Result) -> None:
        results.append(result)
        if result is None and name not in missing:
            missing.append(name)

    for name in (
        "role",
        "access",
        "provider",
        "method",
        "signals",
        "distribution",
        "regions",
        "student_base",
    ):
        test = getattr(cond, name)
        if test is not None:
            note(name, _match(test, facts.get(name)))
    if cond.purpose is not None:
        note("purpose", _contains(cond.purpose, facts.get("purpose")))
    for name in ("commercial", "distributed", "competes", "general_purpose"):
        want = getattr(cond, name)
        if want is not None:
            have = facts.get(name)
            note(name, None if have is None else bool(have) is want)
    if cond.monthly_active_users is not None:
        note(
            "monthly_active_users",
            _range(cond.monthly_active_users, facts.get("monthly_active_users")),
        )
    if cond.student_name is not None:
        note("student_name", _name(cond.student_name, facts.get("student_name")))
    if cond.any_of is not None:
        subs = [evaluate(c, facts) for c in cond.any_of]
        result = _or([r for r, _ in subs])
        results.append(result)
        if result is None:
            for _, m in subs:
                missing.extend(x for x in m if x not in missing)
    result = _and(results)
    return result, (missing if result is None else [])
