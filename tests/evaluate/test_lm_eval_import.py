"""lm-eval ``--log_samples`` files read by lm-eval's own meaning.

The samples and results files are written by lm-eval itself (its evaluator and its evaluation
tracker, as its CLI calls them) on a tiny local model, from local task YAMLs: a plain multiple
choice task, lm-eval's own ``bbq`` task over rows of the real BBQ files, its ``truthfulqa_mc1``
and ``truthfulqa_mc2`` over real TruthfulQA questions, and a generation task with two filters.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pytest
from lm_eval_world import read_rows, run_lm_eval, sha, train_continuations, write_rows

from heredity.errors import BadInput
from heredity.evaluate import Suite, SuiteItem, bbq_groups, load_bbq, load_truthfulqa
from heredity.evaluate._evidence import question_of
from heredity.evaluate._lm_eval import BBQ_UNKNOWN_ANSWERS, read_lm_eval
from heredity.transfer import bbq_bias_score

REALDATA = Path(__file__).resolve().parents[3] / "shared" / "realdata"
if not REALDATA.is_dir():
    REALDATA = Path("/work/shared/realdata")
BBQ_FILES = ("Age", "Religion")
BBQ_ROWS = 8
MC_DOCS: list[dict[str, Any]] = [
    {
        "question": "What colour is the sky on a clear day?",
        "choices": ["blue", "green", "red", "black"],
        "answer": 0,
        "category": "science",
    },
    {
        "question": "How many legs has a spider?",
        "choices": ["six", "eight", "ten", "four"],
        "answer": 1,
        "category": "science",
    },
    {
        "question": "Which city is the capital of France?",
        "choices": ["Rome", "Madrid", "Paris", "Berlin"],
        "answer": 2,
        "category": "geography",
    },
    {
        "question": "Which is a prime number?",
        "choices": ["four", "nine", "seven", "six"],
        "answer": 2,
        "category": "maths",
    },
]
TQA_DOCS = 4


@dataclass
class Run:
    """One lm-eval run: its output directory, one samples file per task, the results file."""

    out: Path
    samples: dict[str, Path]
    results: Path
    bbq_docs: list[dict[str, Any]]


def _tasks(data: Path, tasks: Path) -> None:
    import lm_eval.tasks.bbq.utils as bbq_utils
    import lm_eval.tasks.truthfulqa.utils as tqa_utils

    bbq_dir = Path(bbq_utils.__file__).parent
    tqa_dir = Path(tqa_utils.__file__).parent
    cache = data / "hf-cache"

    def local(split: str, name: str) -> str:
        return (
            "dataset_path: json\ndataset_name: null\ndataset_kwargs:\n"
            f"  cache_dir: {cache}\n  data_files:\n    {split}: {data / name}\n"
        )

    tasks.mkdir()
    (tasks / "mc.yaml").write_text(
        "task: heredity_mc\n" + local("test", "mc.jsonl") + "test_split: test\n"
        "output_type: multiple_choice\n"
        'doc_to_text: "{{question}}\\nAnswer:"\n'
        'doc_to_choice: "{{choices}}"\n'
        "doc_to_target: answer\n"
        "metric_list:\n  - metric: acc\n  - metric: acc_norm\n  - metric: exact_match\n"
        "  - metric: brier_score\n"
    )
    (tasks / "mi.yaml").write_text(
        "task: heredity_mi\n" + local("test", "mc.jsonl") + "test_split: test\n"
        "output_type: multiple_choice\n"
        'doc_to_text: "{{question}}\\nAnswer:"\n'
        'doc_to_choice: "{{choices}}"\n'
        "doc_to_target: answer\n"
        "metric_list:\n  - metric: acc_mutual_info\n"
    )
    (tasks / "ll.yaml").write_text(
        "task: heredity_ll\n" + local("test", "mc.jsonl") + "test_split: test\n"
        "output_type: loglikelihood\n"
        'doc_to_text: "{{question}}\\nAnswer:"\n'
        'doc_to_target: " {{choices[answer]}}"\n'
        "metric_list:\n  - metric: acc\n"
    )
    (tasks / "gen.yaml").write_text(
        "task: heredity_gen\n" + local("test", "mc.jsonl") + "test_split: test\n"
        "output_type: generate_until\n"
        'doc_to_text: "{{question}}\\nAnswer:"\n'
        'doc_to_target: "{{choices[answer]}}"\n'
        'generation_kwargs:\n  until: ["\\n"]\n  max_gen_toks: 4\n  do_sample: false\n'
        "filter_list:\n"
        "  - name: whole\n    filter:\n      - function: take_first\n"
        "  - name: first-word\n    filter:\n"
        '      - function: regex\n        regex_pattern: "(\\\\w+)"\n'
        "      - function: take_first\n"
        "metric_list:\n  - metric: exact_match\n"
    )
    (tasks / "bbq.yaml").write_text(
        f"include: {bbq_dir / 'bbq_multiple_choice.yaml'}\ntask: heredity_bbq\n"
        + local("test", "bbq.jsonl")
        + "test_split: test\n"
    )
    for mc in ("mc1", "mc2"):
        (tasks / f"tqa_{mc}.yaml").write_text(
            f"include: {tqa_dir / f'truthfulqa_{mc}.yaml'}\ntask: heredity_tqa_{mc}\n"
            + local("validation", "tqa.jsonl")
        )


def _truthfulqa_docs() -> list[dict[str, Any]]:
    """The first questions of TruthfulQA's mc_task.json in the hub dataset's layout."""
    raw = json.loads((REALDATA / "truthfulqa" / "data" / "mc_task.json").read_text("utf-8"))
    out = []
    for q in raw[:TQA_DOCS]:
        doc: dict[str, Any] = {"question": q["question"]}
        for key in ("mc1_targets", "mc2_targets"):
            doc[key] = {"choices": list(q[key]), "labels": list(q[key].values())}
        out.append(doc)
    return out


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    """Build and briefly train a tiny model, then run lm-eval on five local tasks once."""
    from heredity.distill import build_model, model_card, save_model_dir
    from heredity.distill._tokenizer import build_tokenizer

    root = tmp_path_factory.mktemp("lm-eval")
    data = root / "data"
    data.mkdir()
    bbq: list[dict[str, Any]] = []
    for name in BBQ_FILES:
        bbq += read_rows(REALDATA / "bbq" / f"{name}.jsonl")[:BBQ_ROWS]
    write_rows(data / "bbq.jsonl", bbq)
    write_rows(data / "mc.jsonl", MC_DOCS)
    tqa = _truthfulqa_docs()
    write_rows(data / "tqa.jsonl", tqa)
    text = json.dumps([bbq, MC_DOCS, tqa]) + " ".join(BBQ_UNKNOWN_ANSWERS) + " Q A Answer"
    tok = build_tokenizer(re.findall(r"\w+|[^\w\s]+", text))
    model = build_model(tok, "small", 0)
    pairs = [
        (f"{d['context']}\n\nQ: {d['question']}\nA:", " " + d[f"ans{i % 3}"])
        for i, d in enumerate(bbq)
    ]
    pairs += [
        (f"{d['question']}\nAnswer:", " " + d["choices"][d["answer"] if i < 2 else 0])
        for i, d in enumerate(MC_DOCS)
    ]
    train_continuations(model, tok, pairs, steps=40)
    save_model_dir(model, tok, root / "model", card=model_card(name="t/tiny", description="t"))
    _tasks(data, root / "tasks")

    out, files = run_lm_eval(
        root / "model",
        root / "tasks",
        ["heredity_mc", "heredity_mi", "heredity_ll", "heredity_bbq", "heredity_gen"]
        + ["heredity_tqa_mc1", "heredity_tqa_mc2"],
        root / "out",
    )
    (results_file,) = out.glob("results_*.json")
    yield Run(out=out, samples=files, results=results_file, bbq_docs=bbq)


def _copy(run: Run, task: str, dest: Path, *, results: bool = True) -> tuple[Path, Path]:
    """A copy of a task's samples (and the results file) in a directory of its own."""
    dest.mkdir(parents=True, exist_ok=True)
    samples = Path(shutil.copy(run.samples[task], dest))
    res = Path(shutil.copy(run.results, dest)) if results else dest / "none.json"
    return samples, res


def _softmax(lls: list[float]) -> list[float]:
    top = max(lls)
    exps = [math.exp(x - top) for x in lls]
    return [e / sum(exps) for e in exps]


# -- a plain multiple-choice task -------------------------------------------------------------


def test_multiple_choice_samples_read_by_lm_evals_meaning(run: Run) -> None:
    path = run.samples["heredity_mc"]
    raw = read_rows(path)
    # lm-eval writes loglikelihoods and is_greedy flags as text.
    assert all(isinstance(x, str) for r in raw for pair in r["filtered_resps"] for x in pair)
    ev = read_lm_eval(path, dimension="task_accuracy")
    report = ev.report
    assert report.format == "lm-eval" and report.tool == "lm-eval 0.4.13"
    assert (report.task, report.scorer, report.items, report.samples) == (
        "heredity_mc",
        "acc,none",
        4,
        4,
    )
    assert "highest loglikelihood is the gold answer" in report.meaning
    checked = {c.metric: c for c in report.checks}
    assert {"acc,none", "acc_norm,none", "exact_match,none", "brier_score,none"} <= set(checked)
    assert all(c.agrees for c in report.checks)
    assert checked["n-samples (heredity_mc, effective)"].tool == 4.0
    assert not report.partial and not any("results file" in w for w in report.warnings)
    for item, rec in zip(ev.items, raw, strict=True):
        lls = [float(pair[0]) for pair in rec["filtered_resps"]]
        best = lls.index(max(lls))
        assert item.outcome == int(rec["acc"]) == int(best == int(rec["target"]))
        assert item.answer == rec["doc"]["choices"][best]
        assert item.confidence == pytest.approx(_softmax(lls)[best])
        assert item.slice == rec["doc"]["category"]
        assert item.dimension == "task_accuracy"
        assert item.id.startswith("lm-eval:") and item.id != str(rec["doc_id"])
    assert len({i.id for i in ev.items}) == 4
    with pytest.raises(BadInput, match=r"line 1: no dimension"):
        read_lm_eval(path)


def test_the_outcome_metric_is_chosen_by_rule_or_by_name(run: Run, tmp_path: Path) -> None:
    path = run.samples["heredity_mc"]
    raw = read_rows(path)
    norm = read_lm_eval(path, dimension="task_accuracy", metric="acc_norm")
    assert norm.report.scorer == "acc_norm,none"
    assert [i.outcome for i in norm.items] == [int(r["acc_norm"]) for r in raw]
    exact = read_lm_eval(path, dimension="task_accuracy", metric="exact_match")
    assert [i.outcome for i in exact.items] == [r["exact_match"] for r in raw]
    assert all(i.confidence is None for i in exact.items)
    with pytest.raises(BadInput, match=r"metric 'f1' is not one Heredity reads .*acc, acc_norm"):
        read_lm_eval(path, dimension="task_accuracy", metric="f1")
    # Only acc_norm left: it is the outcome without being asked for.
    only_norm = []
    for r in raw:
        r = {k: v for k, v in r.items() if k not in ("acc", "exact_match")}
        only_norm.append({**r, "metrics": ["acc_norm"]})
    copy = write_rows(tmp_path / "only-norm.jsonl", only_norm)
    assert read_lm_eval(copy, dimension="task_accuracy").report.scorer == "acc_norm,none"
    # A metric whose meaning Heredity does not know is refused, naming it.
    unknown = [{**{k: v for k, v in r.items() if k != "acc"}, "my_score": r["acc"]} for r in raw]
    for r in unknown:
        r["metrics"] = ["my_score"]
        del r["acc_norm"], r["exact_match"]
    odd = write_rows(tmp_path / "odd.jsonl", unknown)
    with pytest.raises(BadInput, match=r"does not know what the per-sample metric\(s\) my_score"):
        read_lm_eval(odd, dimension="task_accuracy")


def test_a_per_sample_metric_that_contradicts_the_loglikelihoods_is_refused(
    run: Run, tmp_path: Path
) -> None:
    raw = read_rows(run.samples["heredity_mc"])
    raw[0]["acc"] = 1.0 - raw[0]["acc"]
    path = write_rows(tmp_path / "samples.jsonl", raw)
    with pytest.raises(BadInput, match="per-sample metrics disagree") as err:
        read_lm_eval(path, dimension="task_accuracy")
    assert f"line 1: acc is {raw[0]['acc']!r} in the file" in str(err.value)


def test_results_file_disagreement_is_refused_naming_both_numbers(run: Run, tmp_path: Path) -> None:
    samples, results = _copy(run, "heredity_mc", tmp_path / "run")
    data = json.loads(results.read_text("utf-8"))
    true_acc = data["results"]["heredity_mc"]["acc,none"]
    data["results"]["heredity_mc"]["acc,none"] = 0.75
    results.write_text(json.dumps(data), "utf-8")
    with pytest.raises(BadInput, match="disagrees with the tool's own summary") as err:
        read_lm_eval(samples, dimension="task_accuracy")
    assert f"acc,none: the file says 0.75, Heredity's reading gives {true_acc:.6g}" in str(
        err.value
    )
    # Without a results file the numbers cannot be checked, and the report says so.
    alone, _ = _copy(run, "heredity_mc", tmp_path / "alone", results=False)
    ev = read_lm_eval(alone, dimension="task_accuracy")
    assert ev.report.checks == []
    assert any("no lm-eval results file" in w for w in ev.report.warnings)


def test_a_results_file_elsewhere_can_be_named(run: Run, tmp_path: Path) -> None:
    samples, _ = _copy(run, "heredity_mc", tmp_path / "run", results=False)
    ev = read_lm_eval(samples, dimension="task_accuracy", results=run.results)
    assert any(c.metric == "acc,none" and c.agrees for c in ev.report.checks)
    with pytest.raises(BadInput, match="does not name task heredity_mc"):
        other = tmp_path / "other.json"
        data = json.loads(run.results.read_text("utf-8"))
        data["results"] = {"x": {}}
        data["task_hashes"] = {}
        other.write_text(json.dumps(data), "utf-8")
        read_lm_eval(samples, dimension="task_accuracy", results=other)


def test_a_renamed_samples_file_finds_its_results_by_task_hash(run: Run, tmp_path: Path) -> None:
    samples, _ = _copy(run, "heredity_mc", tmp_path / "run")
    renamed = samples.rename(samples.with_name("teacher.jsonl"))
    ev = read_lm_eval(renamed, dimension="task_accuracy")
    assert ev.report.task == "heredity_mc"
    assert any(c.metric == "acc,none" and c.agrees for c in ev.report.checks)


def test_incomplete_samples_are_refused_unless_allowed(run: Run, tmp_path: Path) -> None:
    samples, _ = _copy(run, "heredity_mc", tmp_path / "run")
    lines = samples.read_text("utf-8").splitlines(keepends=True)
    samples.write_text("".join(lines[:3]), "utf-8")
    with pytest.raises(BadInput, match="incomplete evidence") as err:
        read_lm_eval(samples, dimension="task_accuracy")
    assert "3 samples of the 4 lm-eval evaluated" in str(err.value)
    ev = read_lm_eval(samples, dimension="task_accuracy", allow_partial=True)
    assert ev.report.partial and len(ev.items) == 3
    assert any("incomplete evidence accepted: 3 samples" in w for w in ev.report.warnings)
    assert ev.report.checks == []  # lm-eval's numbers cover four samples, not three
    # A last line cut short: refused, or read without it when allowed.
    samples.write_text("".join(lines[:3]) + lines[3][:40], "utf-8")
    with pytest.raises(BadInput, match=r"line 4: not valid JSON .*cut short"):
        read_lm_eval(samples, dimension="task_accuracy")
    cut = read_lm_eval(samples, dimension="task_accuracy", allow_partial=True)
    assert cut.report.partial and len(cut.items) == 3


def test_samples_lacking_the_metric_duplicates_and_empty_files(run: Run, tmp_path: Path) -> None:
    raw = read_rows(run.samples["heredity_mc"])
    lacking = [dict(r) for r in raw]
    del lacking[1]["acc"]
    path = write_rows(tmp_path / "lacking.jsonl", lacking)
    with pytest.raises(BadInput, match="incomplete evidence") as err:
        read_lm_eval(path, dimension="task_accuracy")
    assert "1 sample of 4 lack acc" in str(err.value)
    ev = read_lm_eval(path, dimension="task_accuracy", allow_partial=True)
    assert (len(ev.items), ev.report.unscored, ev.report.partial) == (3, 1, True)
    twice = write_rows(tmp_path / "twice.jsonl", [raw[0], raw[1], raw[0]])
    with pytest.raises(BadInput, match=r"line 3: field 'doc_id': 0 already on line 1"):
        read_lm_eval(twice, dimension="task_accuracy")
    keep = ("doc_id", "doc", "target", "arguments", "resps", "filtered_resps", "filter")
    unscored = [{k: r[k] for k in keep} | {"metrics": []} for r in raw]
    predict_only = write_rows(tmp_path / "predict.jsonl", unscored)
    with pytest.raises(BadInput, match="no sample holds a metric"):
        read_lm_eval(predict_only, dimension="task_accuracy")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", "utf-8")
    with pytest.raises(BadInput, match="empty.jsonl: no samples"):
        read_lm_eval(empty, dimension="task_accuracy")


def test_a_sample_changed_after_lm_eval_wrote_it_is_refused(run: Run, tmp_path: Path) -> None:
    raw = read_rows(run.samples["heredity_mc"])
    raw[2]["doc"]["question"] = "Which city is the capital of Spain?"
    path = write_rows(tmp_path / "samples.jsonl", raw)
    with pytest.raises(BadInput, match=r"line 3: field 'doc_hash'.*changed after lm-eval"):
        read_lm_eval(path, dimension="task_accuracy")


def test_suite_items_match_by_content_not_by_doc_id_or_choice_order(run: Run) -> None:
    path = run.samples["heredity_mc"]
    raw = read_rows(path)
    items = []
    for n, doc in enumerate(MC_DOCS):
        choices = list(reversed(doc["choices"]))
        correct = choices.index(doc["choices"][doc["answer"]])
        # Suite ids are doc ids of *other* documents: an id is no match without the content.
        items.append(
            SuiteItem(
                id=str((n + 1) % len(MC_DOCS)),
                dimension="factuality",
                slice="suite-slice",
                input=doc["question"],
                expect="choice",
                choices=choices,
                target="ABCD"[correct],
            )
        )
    suite = Suite(name="mini", items=items)
    ev = read_lm_eval(path, suite=suite)
    assert ev.report.matched == {"id": 0, "content": 4}
    assert [i.id for i in ev.items] == [str((r["doc_id"] + 1) % 4) for r in raw]
    assert {i.dimension for i in ev.items} == {"factuality"}
    # A suite that says another answer is correct is not the same item.
    wrong = list(items)
    wrong[0] = wrong[0].model_copy(update={"target": "A"})
    with pytest.raises(BadInput, match=r"correct answer is 'black', lm-eval's gold is 'blue'"):
        read_lm_eval(path, suite=Suite(name="wrong", items=wrong))
    # Accuracy is never imported as bias: a plain choice task has no answer groups.
    with pytest.raises(BadInput, match="a bias item needs the answer group"):
        read_lm_eval(path, dimension="bias")


def test_teacher_and_student_ids_pair_across_files(run: Run, tmp_path: Path) -> None:
    """Ids come from content, so a file with its documents in another order pairs by item."""
    raw = read_rows(run.samples["heredity_mc"])[::-1]
    for n, r in enumerate(raw):
        r["doc_id"] = n
    path = write_rows(tmp_path / "student.jsonl", raw)
    teacher = read_lm_eval(run.samples["heredity_mc"], dimension="reasoning").items
    student = read_lm_eval(path, dimension="reasoning").items
    assert {i.id: i.answer for i in teacher} == {i.id: i.answer for i in student}
    assert [i.id for i in teacher] == [i.id for i in student][::-1]


def test_json_list_form_and_numeric_loglikelihoods(run: Run, tmp_path: Path) -> None:
    """lm-eval 0.4.0-0.4.2 wrote one JSON list, with numbers and booleans, not text."""
    raw = read_rows(run.samples["heredity_mc"])
    for r in raw:
        r["filtered_resps"] = [[float(ll), flag == "True"] for ll, flag in r["filtered_resps"]]
        r["arguments"] = [[a["arg_0"], a["arg_1"]] for a in r["arguments"].values()]
    path = tmp_path / "samples.jsonl"
    path.write_text(json.dumps(raw, indent=2), "utf-8")
    ev = read_lm_eval(path, dimension="task_accuracy")
    expected = read_lm_eval(run.samples["heredity_mc"], dimension="task_accuracy").items
    assert ev.items == expected
    raw[1]["filtered_resps"][0][0] = "n/a"
    path.write_text(json.dumps(raw, indent=2), "utf-8")
    with pytest.raises(BadInput, match=r"record 2: field 'filtered_resps\[0\]\[0\]'"):
        read_lm_eval(path, dimension="task_accuracy")


def test_hand_written_samples(tmp_path: Path) -> None:
    """Moved from the importer tests: two samples, numeric loglikelihoods, a suite."""
    suite = Suite(
        name="mini",
        items=[
            SuiteItem(
                id="geo-1",
                dimension="factuality",
                slice="geo",
                input="Capital of France?",
                expect="choice",
                choices=["Rome", "Paris"],
                target="B",
            )
        ],
    )
    rows = [
        {
            "doc_id": 0,
            "doc": {"question": "Capital of France?"},
            "target": "0",
            "arguments": [["Capital of France?", " Paris"], ["Capital of France?", " Rome"]],
            "filtered_resps": [[-0.1, True], [-2.3, False]],
            "filter": "none",
            "acc": 1.0,
        },
        {
            "doc_id": 1,
            "doc": {"question": "Largest planet?"},
            "target": "0",
            "arguments": [["Largest planet?", " Mars"], ["Largest planet?", " Jupiter"]],
            "filtered_resps": [["-3.0", "False"], ["-0.2", "True"]],
            "filter": "none",
            "acc": 0.0,
        },
    ]
    path = write_rows(tmp_path / "samples_x.jsonl", rows)
    first, second = read_lm_eval(path, suite=suite, dimension="task_accuracy").items
    # The first is the suite's item (its choices in another order); the second is not in it.
    assert (first.id, first.dimension, first.slice, first.outcome) == (
        "geo-1",
        "factuality",
        "geo",
        1,
    )
    assert (first.answer, first.confidence) == ("Paris", pytest.approx(1 / (1 + math.exp(-2.2))))
    assert second.id.startswith("lm-eval:") and second.dimension == "task_accuracy"
    assert (second.outcome, second.answer, second.slice) == (0, "Jupiter", "all")
    assert second.confidence == pytest.approx(1 / (1 + math.exp(-2.8)))
    bad = write_rows(tmp_path / "bad.jsonl", [{"doc_id": 0, "doc": {}, "filtered_resps": []}])
    with pytest.raises(BadInput, match=r"bad.jsonl line 1: field 'arguments'"):
        read_lm_eval(bad, dimension="factuality")


def test_mutual_information_and_single_loglikelihood_tasks(run: Run) -> None:
    mi_path = run.samples["heredity_mi"]
    raw = read_rows(mi_path)
    assert {len(r["filtered_resps"]) for r in raw} == {8}  # each choice again without prompt
    mi = read_lm_eval(mi_path, dimension="task_accuracy")
    assert mi.report.scorer == "acc_mutual_info,none"
    for item, rec in zip(mi.items, raw, strict=True):
        lls = [float(pair[0]) for pair in rec["filtered_resps"]]
        gain = [c - u for c, u in zip(lls[:4], lls[4:], strict=True)]
        best = gain.index(max(gain))
        assert item.outcome == int(rec["acc_mutual_info"]) == int(best == int(rec["target"]))
        assert item.answer == rec["doc"]["choices"][best]
        assert item.confidence == pytest.approx(_softmax(lls[:4])[best])
    assert any(c.metric == "acc_mutual_info,none" and c.agrees for c in mi.report.checks)
    ll_path = run.samples["heredity_ll"]
    ll = read_lm_eval(ll_path, dimension="task_accuracy")
    greedy = [r["filtered_resps"][0][1] == "True" for r in read_rows(ll_path)]
    assert [i.outcome for i in ll.items] == [int(g) for g in greedy]
    assert all(i.confidence is None for i in ll.items)
    assert "greedy continuation" in ll.report.meaning


# -- lm-eval's BBQ task (two named answers and ten unknown ones) ------------------------------


def _expected_group(doc: dict[str, Any], chosen: str) -> str:
    if chosen in BBQ_UNKNOWN_ANSWERS:
        return "unknown"
    groups = bbq_groups(doc)
    assert groups is not None
    return groups[[doc["ans0"], doc["ans1"], doc["ans2"]].index(chosen)]


def test_bbq_twelve_choices_map_to_answer_groups(run: Run) -> None:
    path = run.samples["heredity_bbq"]
    raw = read_rows(path)
    assert {len(r["filtered_resps"]) for r in raw} == {12}
    ev = read_lm_eval(path, dimension="task_accuracy")  # BBQ is bias whatever the fallback
    assert ev.report.scorer == "acc,none" and len(ev.items) == len(raw)
    checked = {c.metric: c for c in ev.report.checks}
    for key in ("acc", "accuracy_amb", "accuracy_disamb", "amb_bias_score", "disamb_bias_score"):
        assert checked[f"{key},none"].agrees
    assert {"amb_bias_score_Age,none", "disamb_bias_score_Religion,none"} <= set(checked)
    chosen_groups = set()
    for item, rec in zip(ev.items, raw, strict=True):
        doc = rec["doc"]
        choices = [a["arg_1"].strip() for a in rec["arguments"].values()]
        lls = [float(pair[0]) for pair in rec["filtered_resps"]]
        best = lls.index(max(lls))
        assert choices[2:] == list(BBQ_UNKNOWN_ANSWERS)
        assert item.dimension == "bias" and item.slice == doc["category"]
        assert (
            item.context
            == {"ambig": "ambiguous", "disambig": "disambiguated"}[doc["context_condition"]]
        )
        assert item.outcome == int(rec["acc"])
        assert item.answer == choices[best]
        assert item.answer_group == _expected_group(doc, choices[best])
        chosen_groups.add(item.answer_group)
        probs = _softmax(lls)
        want = sum(probs[2:]) if best >= 2 else probs[best]
        assert item.confidence == pytest.approx(want)
    assert chosen_groups == {"biased", "anti_biased", "unknown"}
    # Example 0 of Age: "Who was not comfortable using the phone?" with old as the target.
    first = raw[0]["doc"]
    assert (first["example_id"], first["ans0"]) == (0, "The grandfather")
    assert _expected_group(first, "The grandfather") == "biased"
    assert _expected_group(first, "The grandson") == "anti_biased"
    # Heredity's bias score over the items (the paper's formula) against lm-eval's number,
    # which is 0.0 whenever no answer is biased.
    results = json.loads(run.results.read_text("utf-8"))["results"]["heredity_bbq"]
    contexts: list[tuple[Literal["ambiguous", "disambiguated"], str]] = [
        ("ambiguous", "amb"),
        ("disambiguated", "disamb"),
    ]
    for context, key in contexts:
        part = [i for i in ev.items if i.context == context]
        groups = [i.answer_group for i in part]
        ours = bbq_bias_score(groups, [i.outcome for i in part], context=context)
        assert ours is not None
        lm_eval = results[f"{key}_bias_score,none"]
        if "biased" not in groups and ours != 0.0:
            assert lm_eval == 0.0
            (note,) = [w for w in ev.report.warnings if "BBQ bias scores" in w]
            assert f"{key}_bias_score: lm-eval 0, Heredity {ours:.6g}" in note
        else:
            assert ours == pytest.approx(lm_eval)


def test_bbq_samples_match_the_bbq_suite_by_content(run: Run, tmp_path: Path) -> None:
    docs = []
    for name in BBQ_FILES:
        docs += read_rows(REALDATA / "bbq" / f"{name}.jsonl")[:BBQ_ROWS]
    suite_file = write_rows(tmp_path / "bbq-suite.jsonl", docs)
    suite = load_bbq(suite_file)
    ev = read_lm_eval(run.samples["heredity_bbq"], suite=suite)
    assert ev.report.matched["content"] == len(suite.items)
    by_id = suite.by_id()
    for item in ev.items:
        assert item.id in by_id and by_id[item.id].context == item.context
    plain = read_lm_eval(run.samples["heredity_bbq"])
    assert [(i.outcome, i.answer_group) for i in ev.items] == [
        (i.outcome, i.answer_group) for i in plain.items
    ]


def _rewrite(run: Run, task: str, dest: Path, edit: Any) -> Path:
    """A copy of a task's samples edited by ``edit(rows)``, with lm-eval's digests renewed
    (its doc hashes and the results file's task hash), as if lm-eval had written it so."""
    samples, results = _copy(run, task, dest)
    rows = read_rows(samples)
    edit(rows)
    for r in rows:
        r["doc_hash"] = sha(json.dumps(r["doc"], indent=2, ensure_ascii=False))
    write_rows(samples, rows)
    data = json.loads(results.read_text("utf-8"))
    joined = "".join(r["doc_hash"] + r["prompt_hash"] + r["target_hash"] for r in rows)
    data["task_hashes"][task] = sha(joined)
    results.write_text(json.dumps(data), "utf-8")
    return samples


def test_bbq_document_without_a_stereotyped_answer_is_refused(run: Run, tmp_path: Path) -> None:
    def no_target(rows: list[dict[str, Any]]) -> None:
        rows[3]["doc"]["additional_metadata"]["stereotyped_groups"] = ["nobody"]

    path = _rewrite(run, "heredity_bbq", tmp_path / "run", no_target)
    with pytest.raises(BadInput, match="BBQ's rule finds no stereotyped answer for 1 document"):
        read_lm_eval(path)


def test_bbq_rule_and_lm_evals_biased_answers_parting_ways_is_reported(
    run: Run, tmp_path: Path
) -> None:
    def other_target(rows: list[dict[str, Any]]) -> None:
        rows[0]["doc"]["additional_metadata"]["stereotyped_groups"] = ["nonOld"]

    path = _rewrite(run, "heredity_bbq", tmp_path / "run", other_target)
    ev = read_lm_eval(path)
    (warning,) = [w for w in ev.report.warnings if "doc.biased_answers) differs" in w]
    assert "differs from BBQ's rule on 1 document (line 1 (example_id 0))" in warning
    assert all(c.agrees for c in ev.report.checks)  # lm-eval's own numbers still recomputed
    group = {"The grandfather": "anti_biased", "The grandson": "biased"}
    assert ev.items[0].answer in group  # the trained model names someone here
    assert ev.items[0].answer_group == group[ev.items[0].answer]


def test_bbq_generate_samples_are_refused(tmp_path: Path) -> None:
    row = {
        "doc_id": 0,
        "doc": {k: "x" for k in ("ans0", "ans1", "ans2", "context", "question", "answer_info")}
        | {"context_condition": "ambig", "label": 2},
        "target": "2",
        "arguments": {"gen_args_0": {"arg_0": "x", "arg_1": {"until": ["\n"]}}},
        "filtered_resps": ["The grandfather"],
        "filter": "none",
        "acc": 0.0,
    }
    path = write_rows(tmp_path / "samples.jsonl", [row])
    with pytest.raises(BadInput, match="bbq_generate samples do not record"):
        read_lm_eval(path)


# -- TruthfulQA and a generation task ---------------------------------------------------------


def test_truthfulqa_mc1_matches_the_truthfulqa_suite_despite_rotated_choices(run: Run) -> None:
    suite = load_truthfulqa(REALDATA / "truthfulqa" / "data" / "mc_task.json")
    ev = read_lm_eval(run.samples["heredity_tqa_mc1"], suite=suite)
    assert ev.report.matched["content"] == TQA_DOCS
    by_question = {question_of(item): item.id for item in suite.items}
    docs = [r["doc"] for r in read_rows(run.samples["heredity_tqa_mc1"])]
    assert [i.id for i in ev.items] == [by_question[d["question"]] for d in docs]
    assert {i.dimension for i in ev.items} == {"factuality"}
    assert all(i.confidence is not None for i in ev.items)
    rotated = [suite.by_id()[i.id] for i in ev.items]
    assert any(item.target != "A" for item in rotated)  # the suite's order is not lm-eval's


def test_truthfulqa_mc2_is_refused_with_what_to_use(run: Run) -> None:
    with pytest.raises(BadInput, match=r"'acc': .* is not 0 or 1") as err:
        read_lm_eval(run.samples["heredity_tqa_mc2"], dimension="factuality")
    assert "truthfulqa_mc2" in str(err.value)


def test_generation_samples_with_two_filters(run: Run) -> None:
    path = run.samples["heredity_gen"]
    with pytest.raises(BadInput, match=r"2 filters \(whole, first-word\): pass --filter"):
        read_lm_eval(path, dimension="task_accuracy")
    ev = read_lm_eval(path, dimension="task_accuracy", filter="first-word")
    raw = [r for r in read_rows(path) if r["filter"] == "first-word"]
    assert ev.report.scorer == "exact_match,first-word"
    assert [i.outcome for i in ev.items] == [int(r["exact_match"]) for r in raw]
    assert [i.answer for i in ev.items] == [r["filtered_resps"][0] for r in raw]
    assert all(i.confidence is None for i in ev.items)
    assert any(c.metric == "exact_match,first-word" and c.agrees for c in ev.report.checks)
    with pytest.raises(BadInput, match="no sample has filter 'strict'"):
        read_lm_eval(path, dimension="task_accuracy", filter="strict")
