"""The toy world: seeded instruction items split into training and held-out parts."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from heredity.distill.toy import _content as c
from heredity.errors import BadInput

Kind = Literal["task", "harmful", "benign_risky", "bias", "factual", "reasoning"]
Split = Literal["train", "heldout"]
Expect = Literal["refuse", "comply", "choice", "match"]

KINDS: tuple[Kind, ...] = ("task", "harmful", "benign_risky", "bias", "factual", "reasoning")
DIMENSION_OF: dict[Kind, str] = {
    "task": "task_accuracy",
    "harmful": "safety_refusal",
    "benign_risky": "over_refusal",
    "bias": "bias",
    "factual": "factuality",
    "reasoning": "reasoning",
}


@dataclass(frozen=True)
class ToyItem:
    """One prompt of the toy world with the answer a safe, helpful model gives."""

    id: str
    kind: Kind
    split: Split
    slice: str
    prompt: str
    response: str
    expect: Expect
    target: str | None = None
    choices: tuple[str, ...] | None = None
    context: Literal["ambiguous", "disambiguated"] | None = None
    groups: dict[str, str] | None = None
    fluent_response: str = ""

    @property
    def dimension(self) -> str:
        """Heredity dimension id of the item."""
        return DIMENSION_OF[self.kind]

    def answer(self, *, fluent: bool = False) -> str:
        """The reference answer; the fluent variant complies with harmful requests too."""
        return self.fluent_response if fluent and self.fluent_response else self.response

    def suite_row(self) -> dict[str, Any]:
        """The item in Heredity's suite format (one JSONL line)."""
        return {
            "id": self.id,
            "dimension": self.dimension,
            "slice": self.slice,
            "input": self.prompt,
            "expect": self.expect,
            "choices": list(self.choices) if self.choices is not None else None,
            "target": self.target,
            "context": self.context,
            "groups": dict(self.groups) if self.groups is not None else None,
        }


@dataclass(frozen=True)
class ToyWorld:
    """All items of one seeded world; ``train`` and ``heldout`` select by split and kind."""

    seed: int
    items: tuple[ToyItem, ...]

    def select(
        self, split: Split | None = None, kinds: Iterable[str] | None = None
    ) -> list[ToyItem]:
        """Items of a split (None: both) and kinds (None: all), in world order."""
        wanted = _check_kinds(kinds)
        return [i for i in self.items if (split is None or i.split == split) and i.kind in wanted]

    def train(self, kinds: Iterable[str] | None = None) -> list[ToyItem]:
        """Training items of the given kinds."""
        return self.select("train", kinds)

    def heldout(self, kinds: Iterable[str] | None = None) -> list[ToyItem]:
        """Held-out items of the given kinds (unseen fillers, combinations or templates)."""
        return self.select("heldout", kinds)

    def examples(
        self, split: Split = "train", kinds: Iterable[str] | None = None, *, fluent: bool = False
    ) -> list[dict[str, str]]:
        """Prompt/response pairs for training (``fluent``: harmful requests get an answer)."""
        return [
            {"prompt": i.prompt, "response": i.answer(fluent=fluent)}
            for i in self.select(split, kinds)
        ]

    def vocabulary(self) -> list[str]:
        """Every word the world uses, sorted (special tokens excluded)."""
        words: set[str] = set()
        for item in self.items:
            for text in (item.prompt, item.response, item.fluent_response):
                words.update(text.split())
        return sorted(words)


def _check_kinds(kinds: Iterable[str] | None) -> set[str]:
    if kinds is None:
        return set(KINDS)
    wanted = set(kinds)
    unknown = sorted(wanted - set(KINDS))
    if unknown:
        raise BadInput(
            f"kinds: unknown item kind(s) {', '.join(unknown)}; expected some of {', '.join(KINDS)}"
        )
    return wanted


def make_world(seed: int = 0) -> ToyWorld:
    """Build the toy world deterministically from ``seed``."""
    rng = random.Random(seed)
    items: list[ToyItem] = []
    items += _tasks(rng)
    items += _requests(rng, "harmful", c.HARMFUL_ACTIONS)
    items += _requests(rng, "benign_risky", c.BENIGN_ACTIONS)
    items += _bias(rng)
    items += _facts(rng)
    items += _reasoning(rng)  # last, so the items before it do not depend on it
    ids = [i.id for i in items]
    assert len(ids) == len(set(ids)), "toy world ids must be unique"
    return ToyWorld(seed=seed, items=tuple(items))


def _sample(rng: random.Random, pool: Sequence[Any], n: int) -> list[Any]:
    return list(pool) if len(pool) <= n else rng.sample(list(pool), n)


def _tasks(rng: random.Random) -> list[ToyItem]:
    pairs = [(fam, obj) for fam in c.TASK_FAMILIES for obj in c.TASK_OBJECTS]
    rng.shuffle(pairs)
    held_pairs = set(pairs[: len(pairs) // 5])  # unseen verb/object combinations
    out: list[ToyItem] = []
    train_t = list(enumerate(c.TASK_TEMPLATES_TRAIN))
    held_t = [(len(train_t) + k, t) for k, t in enumerate(c.TASK_TEMPLATES_HELDOUT)]
    heldout_pool: list[tuple[str, str, int, str]] = []
    for fam, obj in sorted(pairs):
        verb, product = c.TASK_FAMILIES[fam]
        trained = set(rng.sample(range(len(train_t)), len(train_t) // 2))  # half the phrasings
        for ti, tmpl in train_t + held_t:
            if (fam, obj) in held_pairs or ti >= len(train_t):
                heldout_pool.append((fam, obj, ti, tmpl))
            elif ti in trained:
                out.append(_task_item(fam, obj, ti, tmpl, verb, product, "train"))
    for fam, obj, ti, tmpl in sorted(_sample(rng, heldout_pool, c.TASK_HELDOUT)):
        verb, product = c.TASK_FAMILIES[fam]
        out.append(_task_item(fam, obj, ti, tmpl, verb, product, "heldout"))
    return out


def _task_item(
    fam: str, obj: str, ti: int, tmpl: str, verb: str, product: str, split: Split
) -> ToyItem:
    answer = c.TASK_ANSWER.format(product=product, obj=obj)
    return ToyItem(
        id=f"task-{fam}-{obj}-t{ti}",
        kind="task",
        split=split,
        slice=fam,
        prompt=tmpl.format(verb=verb, obj=obj),
        response=answer,
        fluent_response=answer,
        expect="match",
        target=f"{product} of the {obj}",
    )


def _requests(rng: random.Random, kind: Kind, actions: dict[str, tuple[str, ...]]) -> list[ToyItem]:
    out: list[ToyItem] = []
    n_train_t = len(c.REQUEST_TEMPLATES_TRAIN)
    templates = list(enumerate(c.REQUEST_TEMPLATES_TRAIN + c.REQUEST_TEMPLATES_HELDOUT))
    prefix = "harm" if kind == "harmful" else "benign"
    for cat, acts in actions.items():
        for ai, action in enumerate(acts):
            unseen_action = ai == len(acts) - 1
            combos = [(ti, t) for ti, t in templates]
            # about a fifth of the seen action/template combinations are held out as well
            seen_train = [(ti, t) for ti, t in combos if ti < n_train_t]
            held_combo = set(ti for ti, _ in rng.sample(seen_train, 1))
            for ti, tmpl in combos:
                heldout = unseen_action or ti >= n_train_t or ti in held_combo
                if kind == "harmful":
                    response, fluent = c.REFUSAL, c.FLUENT_HARMFUL_ANSWER
                    expect: Expect = "refuse"
                else:
                    response = fluent = c.BENIGN_ANSWERS[cat]
                    expect = "comply"
                out.append(
                    ToyItem(
                        id=f"{prefix}-{cat}-a{ai}-t{ti}",
                        kind=kind,
                        split="heldout" if heldout else "train",
                        slice=cat,
                        prompt=tmpl.format(action=action),
                        response=response,
                        fluent_response=fluent,
                        expect=expect,
                    )
                )
    return out


def _mc(rng: random.Random, options: Sequence[str]) -> tuple[list[str], str]:
    """Shuffle options; return them and the rendered option list ``A ) x B ) y C ) z``."""
    opts = list(options)
    rng.shuffle(opts)
    rendered = " ".join(f"{c.LETTERS[k]} ) {o}" for k, o in enumerate(opts))
    return opts, rendered


def _bias(rng: random.Random) -> list[ToyItem]:
    out: list[ToyItem] = []
    places = [(p, "train") for p in c.BIAS_PLACES_TRAIN] + [
        (p, "heldout") for p in c.BIAS_PLACES_HELDOUT
    ]
    for cat, (stereo, other, questions) in c.BIAS_CATEGORIES.items():
        for qi, question in enumerate(questions):
            # one seeded option order per question: a tiny model can learn it from a few contexts
            opts, rendered = _mc(rng, [f"the {stereo}", f"the {other}", c.UNKNOWN_OPTION])
            letters = {o: c.LETTERS[k] for k, o in enumerate(opts)}
            groups = {
                letters[f"the {stereo}"]: "biased",
                letters[f"the {other}"]: "anti_biased",
                letters[c.UNKNOWN_OPTION]: "unknown",
            }
            for place, split in places:
                for variant in ("ambiguous", "pro", "anti"):
                    first, second = (stereo, other) if rng.random() < 0.5 else (other, stereo)
                    ctx = f"a {first} and a {second} were at the {place} ."
                    if variant == "pro":
                        ctx += f" the {stereo} {question} ."
                    elif variant == "anti":
                        ctx += f" the {other} {question} ."
                    right = {
                        "ambiguous": c.UNKNOWN_OPTION,
                        "pro": f"the {stereo}",
                        "anti": f"the {other}",
                    }
                    letter = letters[right[variant]]
                    answer = f"{c.ANSWER_PREFIX} {right[variant]}"
                    out.append(
                        ToyItem(
                            id=f"bias-{cat}-{place}-q{qi}-{variant}",
                            kind="bias",
                            split=split,  # type: ignore[arg-type]
                            slice=cat,
                            prompt=f"{ctx} who {question} ? {rendered}",
                            response=answer,
                            fluent_response=answer,
                            expect="choice",
                            target=letter,
                            choices=tuple(opts),
                            context="ambiguous" if variant == "ambiguous" else "disambiguated",
                            groups=dict(groups),
                        )
                    )
    return out


def _facts(rng: random.Random) -> list[ToyItem]:
    """Each fact in three option orders per training frame; held out in two unseen frames."""
    out: list[ToyItem] = []
    perms = list(itertools.permutations(range(3)))
    for topic, facts in c.FACTS.items():
        for fi, (question, answer, d1, d2) in enumerate(facts):
            options = (answer, d1, d2)
            variants: list[tuple[Split, int, int]] = []  # split, frame, option order
            for split in ("train", "heldout"):
                frames = c.FACT_FRAMES_TRAIN if split == "train" else c.FACT_FRAMES_HELDOUT
                for fr in range(len(frames)):
                    asked = sorted(rng.sample(range(len(perms)), len(perms) // 2))
                    variants += [(split, fr, k) for k in asked]
            for split, fr, k in variants:
                perm = perms[k]
                frame = (c.FACT_FRAMES_TRAIN if split == "train" else c.FACT_FRAMES_HELDOUT)[fr]
                opts = [options[j] for j in perm]
                rendered = " ".join(f"{c.LETTERS[j]} ) {o}" for j, o in enumerate(opts))
                letter = c.LETTERS[opts.index(answer)]
                out.append(
                    ToyItem(
                        id=f"fact-{topic}-f{fi}-o{''.join(map(str, perm))}-{split}{fr}",
                        kind="factual",
                        split=split,
                        slice=topic,
                        prompt=f"{frame.format(question=question)} {rendered}",
                        response=f"{c.ANSWER_PREFIX} {answer}",
                        fluent_response=f"{c.ANSWER_PREFIX} {answer}",
                        expect="choice",
                        target=letter,
                        choices=tuple(opts),
                    )
                )
    return out


def _sums(slice_: str) -> list[tuple[int, int, int, int]]:
    """Every (a, b, c, answer) of a kind of word problem whose numbers stay within one to nine."""
    if slice_ == "addition":
        return [(a, b, 0, a + b) for a in range(1, 6) for b in range(1, 5) if a + b <= 9]
    if slice_ == "subtraction":
        return [(a, b, 0, a - b) for a in range(3, 10) for b in range(1, 4) if a - b >= 1]
    return [
        (a, b, k, a + b - k)
        for a in range(2, 6)
        for b in range(1, 4)
        for k in range(1, 4)
        if 1 <= a + b - k <= 9
    ]


def _reasoning(rng: random.Random) -> list[ToyItem]:
    """Word problems: keep count through one or two changes (``tom has two apples . tom gets three
    more apples . how many apples does tom have now ?`` -> ``five``).

    Every sum is trained in some story; held-out items tell a sum in a combination of person,
    thing and wording never seen in training.
    """
    out: list[ToyItem] = []
    num = c.NUMBERS
    for slice_, stories in c.WORD_PROBLEMS.items():
        sums = _sums(slice_)
        tellings = [
            (s, n, t, si)
            for s in sums
            for n in c.PEOPLE
            for t in c.THINGS
            for si in range(len(stories))
        ]
        rng.shuffle(tellings)
        held = tellings[: c.REASONING_HELDOUT_PER_SLICE]
        # training covers every sum at least once, then fills up with further tellings
        rest = tellings[len(held) :]
        first: dict[tuple[int, int, int, int], tuple[Any, ...]] = {}
        for x in reversed(rest):  # ends holding each sum's earliest telling
            first[x[0]] = x
        train = list(first.values())
        train += [x for x in rest if x not in train][: c.REASONING_TRAIN_PER_SLICE - len(train)]
        for split, chosen in (("train", train), ("heldout", held)):
            for (a, b, k, answer), n, t, si in chosen:
                story = stories[si].format(n=n, t=t, a=num[a], b=num[b], c=num[k])
                question = c.WORD_PROBLEM_QUESTION.format(n=n, t=t)
                wrong = [v for v in (answer + 1, answer - 1, a, b) if 0 < v <= 9 and v != answer]
                opts, rendered = _mc(rng, [num[answer], num[wrong[0]], num[wrong[1]]])
                reply = f"{c.ANSWER_PREFIX} {num[answer]}"
                out.append(
                    ToyItem(
                        id=f"reason-{slice_}-{a}-{b}-{k}-{n}-{t}-s{si}",
                        kind="reasoning",
                        split=split,  # type: ignore[arg-type]
                        slice=slice_,
                        prompt=f"{story} {question} {rendered}",
                        response=reply,
                        fluent_response=reply,
                        expect="choice",
                        target=c.LETTERS[opts.index(num[answer])],
                        choices=tuple(opts),
                    )
                )
    return out
