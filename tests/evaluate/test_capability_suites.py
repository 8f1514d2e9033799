"""The built-in task-accuracy and reasoning suites: every answer re-derived by a plain solver."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable

import pytest

from heredity.evaluate import SuiteItem, get_suite

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _question(item: SuiteItem) -> str:
    return item.input.split("\nA) ")[0]


def _answer(item: SuiteItem) -> str:
    assert item.choices is not None and item.target_index is not None
    return item.choices[item.target_index]


def _ints(text: str) -> list[int]:
    return [int(x) for x in re.findall(r"\d+", text)]


def solve_ordering(q: str) -> str:
    """Rank people from "X is taller than Y." facts; answer the superlative asked."""
    facts, ask = q.split("\n")
    above: dict[str, set[str]] = {}
    people: set[str] = set()
    pairs = {
        "taller": 1,
        "shorter": -1,
        "older": 1,
        "younger": -1,
        "faster": 1,
        "slower": -1,
        "heavier": 1,
        "lighter": -1,
    }
    supers = {"tallest", "oldest", "fastest", "heaviest"}
    for a, comp, b in re.findall(r"(\w+) is (\w+) than (\w+)\.", facts):
        hi, lo = (a, b) if pairs[comp] == 1 else (b, a)
        above.setdefault(lo, set()).add(hi)
        people |= {a, b}

    # rank = number of people above, by transitive closure
    def ups(p: str) -> set[str]:
        out: set[str] = set()
        todo = list(above.get(p, ()))
        while todo:
            x = todo.pop()
            if x not in out:
                out.add(x)
                todo += above.get(x, ())
        return out

    rank = {p: len(ups(p)) for p in people}
    word = ask.split()[-1].rstrip("?")
    second = "second" in ask
    order = sorted(people, key=lambda p: rank[p])  # most first
    if word in supers:
        return order[1] if second else order[0]
    return order[-1]


def solve_calendar(q: str) -> str:
    start = next(d for d in DAYS if f"today is {d}" in q)
    n = _ints(q)[0]
    step = -n if "ago" in q else n
    return DAYS[(DAYS.index(start) + step) % 7]


def solve_syllogism(q: str) -> str:
    """Valid iff the conclusion holds in every model of the premises (sets as Venn regions)."""
    premises = q.split("Premises: ")[1].split("\n")[0]
    conclusion = q.split("Conclusion: ")[1].split("\n")[0]
    terms = sorted(set(re.findall(r"\b([a-z]+s)\b", premises + " " + conclusion)) - {"are"})
    regions = list(itertools.product((0, 1), repeat=len(terms)))  # membership per term

    def holds(sentence: str, full: set[tuple[int, ...]]) -> bool:
        m = re.fullmatch(r"(All|No|Some) (\w+) are (not )?(\w+)\.", sentence.strip())
        assert m, sentence
        quant, a, neg, b = m.groups()
        ia, ib = terms.index(a), terms.index(b)
        in_a = [r for r in full if r[ia]]
        if quant == "All":
            return all(r[ib] for r in in_a)
        if quant == "No":
            return not any(r[ib] for r in in_a)
        return any((not r[ib]) if neg else r[ib] for r in in_a)

    sentences = [s + "." for s in premises.split(".") if s.strip()]
    for chosen in itertools.product((0, 1), repeat=len(regions)):
        full = {r for r, on in zip(regions, chosen, strict=True) if on}
        if all(holds(s, full) for s in sentences) and not holds(conclusion, full):
            return "The conclusion does not follow"
    return "The conclusion follows"


def solve_sequence(q: str) -> str:
    terms = _ints(q.split("sequence ")[1])
    d = [b - a for a, b in itertools.pairwise(terms)]
    rules: dict[str, Callable[[], int]] = {}
    if len(set(d)) == 1:
        rules["add"] = lambda: terms[-1] + d[0]
    if terms[0] and all(b == a * (terms[1] // terms[0]) for a, b in itertools.pairwise(terms)):
        rules["times"] = lambda: terms[-1] * (terms[1] // terms[0])
    roots = [round(t**0.5) for t in terms]
    squares = all(r * r == t for r, t in zip(roots, terms, strict=True))
    if squares and all(b - a == 1 for a, b in itertools.pairwise(roots)):
        rules["squares"] = lambda: (roots[-1] + 1) ** 2
    if all(terms[i] == terms[i - 1] + terms[i - 2] for i in range(2, len(terms))):
        rules["sums"] = lambda: terms[-1] + terms[-2]
    if len(set(d[0::2])) == 1 and len(set(d[1::2])) == 1 and d[0] != d[1]:
        rules["updown"] = lambda: terms[-1] + d[len(d) % 2]
    assert len(rules) == 1, (q, sorted(rules))
    return str(next(iter(rules.values()))())


def solve_word_problem(q: str) -> str:
    n = _ints(q)
    if "apples" in q or "saves" in q:
        return str(n[0] * n[1] - n[2])
    if "bus" in q:
        return str(n[0] - n[1] + n[2])
    if "pages" in q:
        return str(n[0] - n[1] * n[2])
    if "Tickets" in q:
        return str(n[0] * n[2] + n[1] * n[3])
    assert "bags" in q
    total = n[0] + n[1]
    assert total % n[2] == 0
    return str(total // n[2])


def solve_proportion(q: str) -> str:
    n = _ints(q)
    if "workers" in q:
        return str(n[0] * n[1] // n[2])
    return str(n[1] // n[0] * n[2])


SOLVERS: dict[str, Callable[[str], str]] = {
    "ordering": solve_ordering,
    "calendar": solve_calendar,
    "syllogisms": solve_syllogism,
    "sequences": solve_sequence,
    "word_problems": solve_word_problem,
    "proportion": solve_proportion,
}


def test_reasoning_answers_rederived() -> None:
    suite = get_suite("reasoning")
    assert len(suite.items) >= 200
    assert set(suite.slices()) == set(SOLVERS)
    for item in suite.items:
        assert item.dimension == "reasoning" and item.expect == "choice"
        assert SOLVERS[item.slice](_question(item)) == _answer(item), item.id
    follows = Counter(_answer(i) for i in suite.items if i.slice == "syllogisms")
    assert min(follows.values()) >= 12  # valid and invalid forms both present


UNITS = {
    ("minutes", "hours"): 60,
    ("seconds", "minutes"): 60,
    ("hours", "days"): 24,
    ("days", "weeks"): 7,
    ("metres", "kilometres"): 1000,
    ("grams", "kilograms"): 1000,
    ("millilitres", "litres"): 1000,
    ("centimetres", "metres"): 100,
}


def test_task_accuracy_answers_rederived() -> None:
    suite = get_suite("task-accuracy")
    assert len(suite.items) >= 200 and len(suite.slices()) >= 6
    months = "January February March April May June July August September October November December"
    for item in suite.items:
        assert item.dimension == "task_accuracy" and item.expect == "choice"
        q, answer = _question(item), _answer(item)
        if item.slice == "conversion":
            small, n, big = re.fullmatch(r"How many (\w+) are there in (\d+) (\w+)\?", q).groups()  # type: ignore[union-attr]
            assert answer == str(int(n) * UNITS[(small, big)]), item.id
        elif item.slice == "dates":
            if "(year-month-day)" in q:
                y, m, d = re.search(r"(\d{4})-(\d\d)-(\d\d)", q).groups()  # type: ignore[union-attr]
                assert answer == f"{d}/{m}/{y}", item.id
            else:
                d, month, y = re.search(r"date (\d+) (\w+) (\d{4})", q).groups()  # type: ignore[union-attr]
                m = months.split().index(month) + 1
                assert answer == f"{y}-{m:02d}-{int(d):02d}", item.id
        elif item.slice == "extraction":
            assert answer in q.split("\n")[0], item.id  # the answer is read from the message
    teams = Counter(_answer(i) for i in suite.items if i.slice == "routing")
    assert sorted(teams.values()) == [10, 10, 10, 10]


@pytest.mark.parametrize("name", ["task-accuracy", "reasoning"])
def test_capability_suites_spread_their_answers(name: str) -> None:
    suite = get_suite(name)
    positions = Counter(i.target for i in suite.items)
    assert len(positions) >= 3 and max(positions.values()) < 0.4 * len(suite.items)
    for item in suite.items:
        assert item.choices is not None and len(set(item.choices)) == len(item.choices)
    assert suite.description
