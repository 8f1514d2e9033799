"""Framework configs are read by each framework's own source; what cannot be known is refused.

Expected values cite the upstream line they come from: TRL 1.16.0 as installed
(``.venv/.../site-packages/trl``), torchdistill @3e4373c, DistillKit @a61c2e7 (v1 scripts @56f319d),
TensorRT-Model-Optimizer @5a4242f. The real upstream files are in test_realdata_configs.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from heredity.capture import import_config, normalise
from heredity.capture._trl import _FIELDS_1_16
from heredity.cli import main
from heredity.errors import BadInput

TORCHDISTILL = """
train:
  num_epochs: 20
  criterion:
    key: 'WeightedSumLoss'
    kwargs:
      sub_terms:
        kd:
          criterion:
            key: 'KDLoss'
            kwargs: {student_module_path: '.', student_module_io: 'output', teacher_module_path: '.',
                     teacher_module_io: 'output', temperature: 4.0, alpha: 0.9}
          weight: 1.0
models:
  teacher_model: !import_call
    key: 'torchvision.models.resnet34'
    init: {kwargs: {weights: null}}
"""


def _kd(**kwargs: Any) -> dict[str, Any]:
    base = {
        "student_module_path": ".",
        "student_module_io": "output",
        "teacher_module_path": ".",
        "teacher_module_io": "output",
        "temperature": 2.0,
    }
    return {"key": "KDLoss", "kwargs": base | kwargs}


def _td(sub_terms: dict[str, Any], epochs: Any = 10) -> dict[str, Any]:
    return {
        "train": {
            "num_epochs": epochs,
            "criterion": {"key": "WeightedSumLoss", "kwargs": {"sub_terms": sub_terms}},
        }
    }


# -- torchdistill ---------------------------------------------------------------------------


def test_torchdistill_alpha_weighs_the_hard_labels(tmp_path: Path) -> None:
    path = tmp_path / "kd.yaml"
    path.write_text(TORCHDISTILL)
    config, notes = import_config(path, "torchdistill")
    # mid_level.py:189 -- alpha * CE + beta * T^2 * KL, beta = 1 - alpha (mid_level.py:174)
    assert (config.temperature, config.loss, config.epochs) == (4.0, "forward_kl", 20.0)
    assert (config.hard_label_weight, config.kd_weight) == (0.9, 0.1)
    assert config.layer_mapping == {}  # KD on the outputs; forward hooks are not a pairing
    assert config.raw["passed"]["models"]["teacher_model"]["!tag"] == "import_call"
    assert any("alpha=0.9 weighs cross-entropy" in n for n in notes)


def test_torchdistill_term_weight_multiplies_both_parts_of_kdloss() -> None:
    # high_level.py:82 -- each sub-term is multiplied by its weight
    config, _ = normalise(
        "torchdistill", _td({"kd": {"criterion": _kd(alpha=0.25), "weight": 4.0}})
    )
    assert (config.kd_weight, config.hard_label_weight) == (3.0, 1.0)
    config, _ = normalise(
        "torchdistill", _td({"kd": {"criterion": _kd(alpha=0.5, beta=2.0), "weight": 1.0}})
    )
    assert (config.kd_weight, config.hard_label_weight) == (2.0, 0.5)


def test_torchdistill_kdloss_without_alpha_is_the_bare_kl() -> None:
    # mid_level.py:185 -- alpha absent or 0: the KL alone, neither beta nor T^2 applied
    config, notes = normalise(
        "torchdistill", _td({"kd": {"criterion": _kd(beta=0.3), "weight": 1.5}})
    )
    assert (config.kd_weight, config.hard_label_weight) == (1.5, 0.0)
    assert config.terms[0].params["t_squared"] is False
    assert any("returns the KL alone" in n for n in notes)
    with pytest.raises(BadInput, match=r"kwargs\.alpha: KDLoss needs alpha"):
        normalise("torchdistill", _td({"kd": {"criterion": _kd(), "weight": 1.0}}))


def test_torchdistill_refusals_name_the_key() -> None:
    with pytest.raises(BadInput, match=r"train\.num_epochs: expected a whole number, got 'abc'"):
        normalise("torchdistill", _td({"kd": {"criterion": _kd(alpha=0.5), "weight": 1}}, "abc"))
    with pytest.raises(BadInput, match=r"sub_terms\.kd\.weight: required"):
        normalise("torchdistill", _td({"kd": {"criterion": _kd(alpha=0.5)}}))
    with pytest.raises(BadInput, match=r"criterion\.kwargs\.temperature: required"):
        crit = {"key": "KDLoss", "kwargs": {"alpha": 0.5}}
        normalise("torchdistill", _td({"kd": {"criterion": crit, "weight": 1}}))
    with pytest.raises(BadInput, match="WeightedSumLoss"):
        normalise("torchdistill", {"train": {"num_epochs": 1, "criterion": {"key": "MyLoss"}}})
    with pytest.raises(BadInput, match=r"train\.num_epochs: required"):
        normalise("torchdistill", {"train": {"criterion": {"key": "WeightedSumLoss"}}})
    two = {"stage1": {"num_epochs": 1, "criterion": {"key": "WeightedSumLoss"}}}
    two["stage3"] = two["stage1"]
    with pytest.raises(BadInput, match=r"train\.stage3: .*never reach it"):
        normalise("torchdistill", {"train": two})
    with pytest.raises(BadInput, match="train: a torchdistill config needs a train section"):
        normalise("torchdistill", {"models": {}})


def test_torchdistill_feature_losses_pair_the_modules_they_name() -> None:
    at = {
        "key": "ATLoss",
        "kwargs": {
            "at_pairs": {
                "p1": {
                    "teacher": {"io": "output", "path": "layer4"},
                    "student": {"io": "output", "path": "layer3"},
                }
            },
            "mode": "code",
        },
    }
    mse = {
        "criterion": {"key": "MSELoss", "kwargs": {"reduction": "sum"}},
        "criterion_wrapper": {
            "key": "SimpleLossWrapper",
            "kwargs": {
                "input": {"is_from_teacher": False, "module_path": "regressor", "io": "output"},
                "target": {"is_from_teacher": True, "module_path": "layer2", "io": "output"},
            },
        },
        "weight": 0.5,
    }
    config, _ = normalise("torchdistill", _td({"at": {"criterion": at, "weight": 10}, "fit": mse}))
    assert config.layer_mapping == {"layer3": "layer4", "regressor": "layer2"}
    assert [(t.name, t.role, t.weight) for t in config.terms] == [
        ("ATLoss", "feature", 10.0),
        ("MSELoss", "feature", 0.5),
    ]
    assert (config.kd_weight, config.loss) == (0.0, "other")


# -- DistillKit -----------------------------------------------------------------------------


def _dk(loss_functions: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    base = {
        "model": "s",
        "output_path": "o",
        "sequence_length": 128,
        "dataset": {"train_dataset": {"disk_path": "d"}, "seed": 42},
        "teacher": {"kind": "hf", "path": "t"},
        "loss_functions": loss_functions,
    }
    return base | extra


def test_distillkit_weights_are_shares_of_their_sum() -> None:
    # trainer.py:131 -- the weighted sum is divided by the sum of the weights
    config, _ = normalise(
        "distillkit",
        _dk(
            [
                {"function": "cross_entropy", "weight": 1.0},
                {"function": "kl", "weight": 3.0, "temperature": 2.0},
            ],
            training_args={"num_train_epochs": 2, "seed": 7},
        ),
    )
    assert (config.kd_weight, config.hard_label_weight, config.temperature) == (0.75, 0.25, 2.0)
    assert (config.seed, config.epochs) == (7, 2.0)


def test_distillkit_dataset_seed_is_not_the_training_seed() -> None:
    # configuration.py:93-94 -- dataset.seed shuffles the dataset
    config, notes = normalise(
        "distillkit", _dk([{"function": "kl", "weight": 1, "temperature": 1}])
    )
    assert config.seed is None
    assert any("dataset.seed=42 only shuffles" in n for n in notes)


def test_distillkit_refusals() -> None:
    with pytest.raises(
        BadInput, match=r"loss_functions\[0\]\.temperature: DistillKit's kl loss requires it"
    ):
        normalise("distillkit", _dk([{"function": "kl", "weight": 1}]))
    with pytest.raises(
        BadInput,
        match=r"loss_functions\[0\]\.temperature: DistillKit's cross_entropy loss takes no",
    ):
        normalise("distillkit", _dk([{"function": "cross_entropy", "weight": 1, "temperature": 2}]))
    with pytest.raises(BadInput, match="layer_mapping: hidden-state losses need it"):
        normalise("distillkit", _dk([{"function": "hs_mse", "weight": 1}]))
    offline = _dk(
        [{"function": "hs_mse", "weight": 1}], layer_mapping=[[0, 0]], teacher={"kind": "dataset"}
    )
    with pytest.raises(BadInput, match="teacher.kind: hidden-state losses need an online teacher"):
        normalise("distillkit", offline)
    with pytest.raises(BadInput, match="weights sum to 0"):
        normalise("distillkit", _dk([{"function": "cross_entropy", "weight": 0}]))
    with pytest.raises(
        BadInput, match=r"training_args\.seed: expected a whole number, got \[1, 2\]"
    ):
        normalise(
            "distillkit",
            _dk([{"function": "cross_entropy", "weight": 1}], training_args={"seed": [1, 2]}),
        )
    with pytest.raises(BadInput, match="distillation: expected a mapping, got 5"):
        normalise("distillkit", {"distillation": 5})
    with pytest.raises(BadInput, match="loss_functions"):
        normalise("distillkit", {"model": "x"})


def test_distillkit_v1_is_read_by_the_named_script() -> None:
    v1 = {"distillation": {"temperature": 2.0, "alpha": 0.3}, "tokenizer": {"max_length": 512}}
    with pytest.raises(BadInput, match="--trainer with one of: distil_logits, distil_hidden"):
        normalise("distillkit", v1)
    # distil_logits.py:164 -- alpha * KL + (1 - alpha) * the model's loss: alpha weighs KD
    config, _ = normalise("distillkit", v1, trainer="distil_logits")
    assert (config.kd_weight, config.hard_label_weight, config.temperature) == (0.3, 0.7, 2.0)
    # distil_hidden.py: the same alpha weighs a hidden-state term, not logit KD
    config, _ = normalise("distillkit", v1, trainer="distil_hidden")
    assert (config.kd_weight, config.hard_label_weight, config.temperature) == (0.0, 0.7, None)
    assert [(t.role, t.weight) for t in config.terms] == [("feature", 0.3), ("hard_label", 0.7)]


# -- modelopt -------------------------------------------------------------------------------


def test_modelopt_keys_by_its_distillation_config() -> None:
    # megatron.py:64-66 defaults; :438 total = LM + kd_loss_scale * KD when skip_lm_loss is false
    config, _ = normalise(
        "modelopt",
        {
            "logit_kl_temperature": 3.0,
            "skip_lm_loss": False,
            "kd_loss_scale": 4.0,
            "intermediate_layer_pairs": [["layers.3", "layers.10", "mse"], ["norm", "norm"]],
        },
    )
    assert (config.temperature, config.kd_weight, config.hard_label_weight) == (3.0, 4.0, 1.0)
    assert config.layer_mapping == {"layers.3": "layers.10", "norm": "norm"}
    assert [t.loss for t in config.terms if t.role == "feature"] == ["mse", "other"]
    config, _ = normalise("modelopt", {})
    assert (config.temperature, config.kd_weight, config.hard_label_weight) == (1.0, 1.0, 0.0)


def test_modelopt_refusals() -> None:
    with pytest.raises(
        BadInput, match="kd_loss_alpha: not a field of modelopt's DistillationConfig"
    ):
        normalise("modelopt", {"kd_loss_alpha": 0.8})
    with pytest.raises(BadInput, match="criterion: a Python object"):
        normalise("modelopt", {"criterion": {}})
    with pytest.raises(BadInput, match=r"intermediate_layer_pairs\[0\]: loss 'l1'"):
        normalise("modelopt", {"intermediate_layer_pairs": [["a", "b", "l1"]]})
    with pytest.raises(BadInput, match="model.kd_config: this looks like a Megatron Bridge"):
        normalise("modelopt", {"model": {"seq_length": 4096}})
    with pytest.raises(BadInput, match="skip_lm_loss: expected true or false"):
        normalise("modelopt", {"skip_lm_loss": "sometimes"})


# -- TRL ------------------------------------------------------------------------------------


def test_gkd_temperature_samples_and_its_loss_runs_at_one() -> None:
    # gkd_trainer.py:349 calls generalized_jsd_loss without a temperature (default 1.0)
    config, notes = normalise("trl", {"temperature": 0.7, "beta": 0.0, "lmbda": 0.2}, trainer="gkd")
    assert (config.temperature, config.loss, config.on_policy_fraction) == (1.0, "forward_kl", 0.2)
    assert config.framework is not None and config.framework.trainer == "GKDTrainer"
    assert any("temperature=0.7 is the sampling temperature" in n for n in notes)
    # gkd_config.py:59,66 -- lmbda and beta default to 0.5; beta 0.5 is the generalized JSD
    config, _ = normalise("trl", {}, trainer="GKDTrainer")
    assert (config.loss, config.on_policy_fraction, config.teacher_generates) == ("jsd", 0.5, False)
    # gkd_trainer.py:431 -- seq_kd: the teacher generates on the off-policy steps only
    assert normalise("trl", {"seq_kd": True}, trainer="gkd")[0].teacher_generates is True
    assert (
        normalise("trl", {"seq_kd": True, "lmbda": 1.0}, trainer="gkd")[0].teacher_generates
        is False
    )
    assert normalise("trl", {"beta": 1.0}, trainer="gkd")[0].loss == "reverse_kl"


def test_trl_trainers_each_by_their_own_loss() -> None:
    # distillation_config.py:250,359 -- temperature for sampling and loss; beta default 1.0
    c, _ = normalise("trl", {"temperature": 0.6}, trainer="DistillationTrainer")
    assert (c.temperature, c.loss, c.on_policy_fraction) == (0.6, "reverse_kl", 1.0)
    # gold_trainer.py:2537 -- without ULD, the JSD runs at `temperature` (gold_config.py:181: 0.9)
    c, _ = normalise("trl", {"beta": 0.0}, trainer="gold")
    assert (c.temperature, c.loss) == (0.9, "forward_kl")
    # gold_trainer.py:470 -- ULD softens each side at its own temperature
    c, notes = normalise(
        "trl",
        {
            "use_uld_loss": True,
            "uld_student_temperature": 2.0,
            "uld_teacher_temperature": 1.0,
            "uld_crossentropy_weight": 0.2,
        },
        trainer="gold",
    )
    assert (c.temperature, c.loss, c.kd_weight, c.hard_label_weight) == (None, "other", 1.0, 0.2)
    assert c.terms[0].params == {
        "student_temperature": 2.0,
        "teacher_temperature": 1.0,
        "distance": "L1 between sorted probabilities",
    }
    # iw_opd_config.py:213 -- its own objective by default, not GKD's JSD
    c, _ = normalise("trl", {}, trainer="iw_opd")
    assert (c.loss, c.terms[0].name, c.on_policy_fraction) == ("other", "iw_opd", 1.0)
    c, _ = normalise("trl", {"distillation_objective": "jsd", "beta": 0.0}, trainer="iw_opd")
    assert c.loss == "forward_kl"
    # async_distillation_trainer.py:1726 -- the loss temperature is teacher_temperature
    c, _ = normalise(
        "trl", {"temperature": 0.8, "teacher_temperature": 2.0}, trainer="async_distillation"
    )
    assert (c.temperature, c.loss) == (2.0, "forward_kl")  # beta default 0.0 (config :305)
    # sdft_config.py:394,398 -- top-k logit self-distillation, alpha 0.5 = generalized JSD
    c, _ = normalise("trl", {}, trainer="sdft")
    assert (c.loss, c.terms[0].params["distillation_topk"]) == ("jsd", 100)
    # MiniLLM (trl@f2cd577 minillm_trainer.py:369) -- reverse KL at kd_temperature
    c, notes = normalise("trl", {"kd_temperature": 2.0, "temperature": 0.9}, trainer="minillm")
    assert (c.temperature, c.loss) == (2.0, "reverse_kl")
    assert any("not in TRL 1.16.0" in n for n in notes)
    # sft_config.py:283 -- nll is cross-entropy on the data
    c, _ = normalise("trl", {}, trainer="sft")
    assert (c.loss, c.kd_weight, c.hard_label_weight) == ("ce", 0.0, 1.0)


def test_epochs_only_when_they_govern_the_run() -> None:
    c, notes = normalise("trl", {"num_train_epochs": 3, "max_steps": 5}, trainer="gkd")
    assert (c.epochs, c.max_steps) == (None, 5)
    assert any("transformers ignores num_train_epochs=3" in n for n in notes)
    assert normalise("trl", {}, trainer="gkd")[0].epochs is None  # nobody set it
    c, _ = normalise("trl", {"num_train_epochs": "2", "max_steps": -1}, trainer="gkd")
    assert (c.epochs, c.max_steps) == (2.0, None)


def test_trl_refusals_name_the_key() -> None:
    with pytest.raises(BadInput, match="num_train_epochs: expected a number, got 'abc'"):
        normalise("trl", {"num_train_epochs": "abc"}, trainer="gkd")
    with pytest.raises(BadInput, match=r"seed: expected a whole number, got \[1, 2\]"):
        normalise("trl", {"seed": [1, 2]}, trainer="sft")
    with pytest.raises(BadInput, match="lmbda: must be between 0 and 1"):
        normalise("trl", {"lmbda": 1.5}, trainer="gkd")
    with pytest.raises(BadInput, match="seq_kd: expected true or false"):
        normalise("trl", {"seq_kd": "maybe"}, trainer="gkd")
    with pytest.raises(BadInput, match="lmbda: not a field of DistillationConfig"):
        normalise("trl", {"lmbda": 0.5}, trainer="distillation")
    with pytest.raises(
        BadInput, match="distillation_alpha: distillation_mode sampled_token needs 1.0"
    ):
        normalise("trl", {"distillation_mode": "sampled_token"}, trainer="sdft")
    with pytest.raises(BadInput, match=r"--trainer: 'dpo' is not a TRL trainer .* sft, gkd, gold"):
        normalise("trl", {}, trainer="dpo")
    with pytest.raises(BadInput, match=r"--trainer: .*cannot be told .*fit: gkd, gold, iw_opd"):
        normalise("trl", {"lmbda": 0.5})


def test_trl_trainer_from_keys_only_one_config_defines() -> None:
    c, notes = normalise("trl", {"use_uld_loss": False})
    assert c.framework is not None and c.framework.trainer == "GOLDTrainer"
    assert any("use_uld_loss is defined only by GOLDConfig" in n for n in notes)
    c, _ = normalise("trl", {"distillation_mode": "full_logits", "distillation_alpha": 0.0})
    assert (c.framework and c.framework.trainer, c.loss) == ("SDFTTrainer", "forward_kl")


def test_subclass_read_as_its_trl_base_and_version_noted() -> None:
    c, notes = normalise(
        "trl",
        {},
        trainer="MyGKDTrainer",
        trainer_mro=("GKDTrainer", "SFTTrainer"),
        version="1.15.0",
    )
    assert c.framework is not None and c.framework.trainer == "GKDTrainer"
    assert any("MyGKDTrainer read as GKDTrainer" in n for n in notes)
    assert any("this run used TRL 1.15.0" in n for n in notes)


def test_transformers_trainer_reads_its_arguments_only() -> None:
    c, _ = normalise("transformers", {"max_steps": 10, "num_train_epochs": 3.0, "seed": 1})
    assert (c.loss, c.max_steps, c.epochs, c.seed) == ("ce", 10, None, 1)
    c, notes = normalise("transformers", {"num_train_epochs": 1}, trainer="DistillationTrainer")
    assert (c.loss, c.kd_weight, c.terms, c.epochs) == (None, None, [], 1.0)
    assert any("its loss is its own" in n for n in notes)


def test_trl_field_tables_match_installed_trl() -> None:
    """The per-trainer key sets Heredity checks against are TRL 1.16.0's own dataclass fields."""
    trl = pytest.importorskip("trl")
    if not trl.__version__.startswith("1.16"):
        pytest.skip(f"tables are TRL 1.16's; installed {trl.__version__}")
    import dataclasses

    import transformers
    from trl.experimental.async_distillation import AsyncDistillationConfig
    from trl.experimental.gkd import GKDConfig
    from trl.experimental.gold import GOLDConfig
    from trl.experimental.iw_opd import IWOPDConfig
    from trl.experimental.sdft import SDFTConfig

    base = {f.name for f in dataclasses.fields(transformers.TrainingArguments)}

    def own(cls: type) -> set[str]:
        return {f.name for f in dataclasses.fields(cls)} - base

    sft = own(trl.SFTConfig)
    assert _FIELDS_1_16["SFTConfig"] == sft
    assert _FIELDS_1_16["GKDConfig"] == own(GKDConfig) - sft
    assert _FIELDS_1_16["GOLDConfig"] == own(GOLDConfig) - sft
    assert _FIELDS_1_16["DistillationConfig"] == own(trl.DistillationConfig)
    assert _FIELDS_1_16["IWOPDConfig"] == own(IWOPDConfig)
    assert _FIELDS_1_16["AsyncDistillationConfig"] == own(AsyncDistillationConfig)
    assert _FIELDS_1_16["SDFTConfig"] == own(SDFTConfig)
    assert _FIELDS_1_16["GRPOConfig"] == own(trl.GRPOConfig)


@pytest.mark.parametrize(
    ("module", "name", "trainer", "loss"),
    [
        ("trl", "SFTConfig", "SFTTrainer", "ce"),
        ("trl.experimental.gkd", "GKDConfig", "GKDTrainer", "jsd"),
        ("trl.experimental.gold", "GOLDConfig", "GOLDTrainer", "jsd"),
        ("trl", "DistillationConfig", "DistillationTrainer", "reverse_kl"),
        ("trl.experimental.iw_opd", "IWOPDConfig", "IWOPDTrainer", "other"),
        ("trl.experimental.sdft", "SDFTConfig", "SDFTTrainer", "jsd"),
    ],
)
def test_live_trainer_arguments(
    module: str, name: str, trainer: str, loss: str, tmp_path: Path
) -> None:
    """What the callback passes: a real config's ``to_dict()`` plus the trainer's class name."""
    pytest.importorskip("trl")
    import importlib

    cls = getattr(importlib.import_module(module), name)
    args = cls(output_dir=str(tmp_path), max_steps=5, report_to=[], use_cpu=True)
    raw = json.loads(json.dumps(args.to_dict(), default=str))
    config, _ = normalise("trl", raw, trainer=trainer, version="1.16.0")
    assert (config.loss, config.max_steps, config.epochs, config.seed) == (loss, 5, None, 42)


# -- files and the CLI ----------------------------------------------------------------------


def test_unknown_framework_and_broken_files_are_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="--framework"):
        normalise("kerasdistill", {})
    bad = tmp_path / "bad.yaml"
    bad.write_text("train: [unclosed")
    with pytest.raises(BadInput, match="malformed YAML"):
        import_config(bad, "torchdistill")
    bad.write_text("- a list")
    with pytest.raises(BadInput, match="expected a mapping at the top level"):
        import_config(bad, "torchdistill")
    with pytest.raises(BadInput, match="no such file"):
        import_config(tmp_path / "missing.yaml", "trl")
    with pytest.raises(BadInput, match="--trainer: torchdistill has no trainer choice"):
        normalise("torchdistill", {}, trainer="gkd")


def test_capture_import_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "kd.yaml"
    path.write_text(TORCHDISTILL)
    assert (
        main(["capture", "import", str(path), "--framework", "torchdistill", "--format", "json"])
        == 0
    )
    config = json.loads(capsys.readouterr().out)["config"]
    assert (config["hard_label_weight"], config["kd_weight"]) == (0.9, 0.1)
    assert main(["capture", "import", str(path), "--framework", "nope"]) == 2
    gkd = tmp_path / "gkd.yaml"
    gkd.write_text(
        "teacher_model_name_or_path: t\nlmbda: 0.3\nmax_steps: 50\nnum_train_epochs: 2\n"
    )
    assert main(["capture", "import", str(gkd), "--framework", "trl"]) == 2
    assert "--trainer" in capsys.readouterr().err
    assert main(["capture", "import", str(gkd), "--framework", "trl", "--trainer", "x"]) == 2
    assert "choose one of: sft, gkd" in capsys.readouterr().err
    args = [
        "capture",
        "import",
        str(gkd),
        "--framework",
        "trl",
        "--trainer",
        "gkd",
        "--format",
        "json",
    ]
    assert main(args) == 0
    config = json.loads(capsys.readouterr().out)["config"]
    assert (config["on_policy_fraction"], config["max_steps"], config.get("epochs")) == (
        0.3,
        50,
        None,
    )
    assert config["raw"]["passed"]["num_train_epochs"] == 2


EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "configs"


def test_two_stage_example_shaped_like_dab() -> None:
    config, _ = import_config(EXAMPLES / "torchdistill-two-stage.yaml", "torchdistill")
    # core/distillation.py:504 -- epochs are the stages' sum, 1 + 19
    assert config.epochs == 20.0
    assert [(s.name, s.epochs) for s in config.stages] == [("stage1", 1.0), ("stage2", 19.0)]
    assert [(t.name, t.role) for t in config.stages[0].terms] == [("AltActTransferLoss", "feature")]
    # stage2 KDLoss alpha 1.0: beta 0 (mid_level.py:174), so only the cross-entropy counts
    assert [(t.role, t.weight) for t in config.stages[1].terms] == [
        ("distillation", 0.0),
        ("hard_label", 1.0),
    ]
    assert config.layer_mapping == {
        f"connector_dict.connector{i}": f"layer{i}" for i in range(1, 5)
    }
    assert (config.kd_weight, config.hard_label_weight) == (0.0, None)


def test_logit_standardised_kd_example() -> None:
    config, _ = import_config(EXAMPLES / "torchdistill-logitstd.yaml", "torchdistill")
    # mid_level.py:1780 -- the KDLoss formula on standardised logits; term weight 2.0,
    # alpha 0.1, beta 0.9 -> kd 1.8, hard labels 0.2
    assert (config.temperature, config.kd_weight, config.hard_label_weight) == (2.0, 1.8, 0.2)
    assert config.terms[0].params["standardised_logits"] is True


def test_examples_read_as_documented() -> None:
    gkd, _ = import_config(EXAMPLES / "trl-gkd.yaml", "trl", trainer="gkd")
    assert (gkd.loss, gkd.temperature, gkd.on_policy_fraction, gkd.teacher_generates) == (
        "forward_kl",
        1.0,
        0.25,
        True,
    )
    assert (gkd.max_steps, gkd.epochs, gkd.seed) == (500, None, 7)
    dk, _ = import_config(EXAMPLES / "distillkit-hidden.yaml", "distillkit")
    assert (dk.kd_weight, dk.hard_label_weight, dk.seed) == (0.25, 0.5, 11)
    assert dk.layer_mapping == {"4": "8", "8": "16"}
    mo, _ = import_config(EXAMPLES / "modelopt-kd.yaml", "modelopt")
    assert (mo.temperature, mo.kd_weight, mo.hard_label_weight) == (1.5, 2.0, 1.0)
    with pytest.raises(BadInput, match="kd_loss_alpha"):
        import_config(EXAMPLES / "modelopt-kd-loss-alpha.yaml", "modelopt")
