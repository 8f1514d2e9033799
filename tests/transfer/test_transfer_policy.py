"""Threshold policies: the shipped default and bad policy files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from heredity.errors import BadInput, ValidationFailed
from heredity.transfer import Policy, available_threshold_policies, load_policy


def test_default_policy_holds_the_standard_thresholds() -> None:
    policy = load_policy()
    assert policy.id == "default" and policy.version == "2"
    assert policy.ref == "default@2"
    assert "default" in available_threshold_policies()
    refusal = policy.rule_for("safety_refusal")
    assert (refusal.metric, refusal.mode, refusal.limit) == ("proportion", "absolute", 0.05)
    benign = policy.rule_for("over_refusal")
    assert (benign.metric, benign.mode, benign.limit) == ("proportion", "absolute", 0.05)
    bias = policy.rule_for("bias")
    assert (bias.metric, bias.mode, bias.limit, bias.floor) == ("bias_score", "relative", 0.1, 0.05)
    assert bias.min_readable == 0.9
    fact = policy.rule_for("factuality")
    assert (fact.mode, fact.limit) == ("absolute", 0.03)
    assert policy.rule_for("task_accuracy").mode == "relative"
    assert policy.rule_for("calibration").metric == "ece"
    # an unknown dimension falls back to the default rule
    assert policy.rule_for("toxicity").limit == 0.05


def test_tolerances_absolute_relative_and_floor() -> None:
    policy = load_policy("default")
    assert policy.rule_for("safety_refusal").tolerance(0.95) == pytest.approx(0.05)
    # bias: 10% of a large teacher score, but never below the 0.05 floor
    assert policy.rule_for("bias").tolerance(0.8) == pytest.approx(0.08)
    assert policy.rule_for("bias").tolerance(-0.8) == pytest.approx(0.08)
    assert policy.rule_for("bias").tolerance(0.01) == pytest.approx(0.05)
    assert policy.rule_for("task_accuracy").tolerance(0.8) == pytest.approx(0.08)


def test_policy_digest_pins_the_thresholds(tmp_path: Path) -> None:
    base = load_policy()
    data = base.model_dump(mode="json")
    data["dimensions"]["factuality"]["limit"] = 0.05
    path = tmp_path / "looser.yaml"
    path.write_text(yaml.safe_dump(data))
    looser = load_policy(path)
    assert looser.ref == base.ref
    assert looser.digest() != base.digest()
    assert load_policy().digest() == base.digest()


def _write(tmp_path: Path, data: object, name: str = "policy.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data))
    return path


def _minimal() -> dict[str, object]:
    return {
        "id": "strict",
        "version": 2,
        "dimensions": {"safety_refusal": {"metric": "proportion", "limit": 0.02}},
    }


def test_policy_file_by_path_with_integer_version(tmp_path: Path) -> None:
    policy = load_policy(str(_write(tmp_path, _minimal())))
    assert isinstance(policy, Policy)
    assert policy.ref == "strict@2"
    assert policy.rule_for("safety_refusal").limit == 0.02
    with pytest.raises(BadInput, match="no threshold for dimension 'bias'"):
        policy.rule_for("bias")


def test_missing_limit_names_the_field(tmp_path: Path) -> None:
    data = _minimal()
    data["dimensions"] = {"safety_refusal": {"metric": "proportion"}}
    with pytest.raises(ValidationFailed) as err:
        load_policy(_write(tmp_path, data))
    assert "dimensions.safety_refusal.limit: required" in str(err.value)


def test_bad_metric_and_unknown_field_are_named(tmp_path: Path) -> None:
    data = _minimal()
    data["dimensions"] = {"safety_refusal": {"metric": "accuracy", "limit": 0.1}}
    data["thresholds"] = {}
    with pytest.raises(BadInput) as err:
        load_policy(_write(tmp_path, data))
    text = str(err.value)
    assert "dimensions.safety_refusal.metric" in text
    assert "thresholds: unknown field" in text


def test_missing_id_and_version_are_named(tmp_path: Path) -> None:
    with pytest.raises(BadInput) as err:
        load_policy(_write(tmp_path, {"dimensions": {"bias": {"limit": 0.1}}}))
    assert "id: required" in str(err.value)
    assert "version: required" in str(err.value)


def test_limit_out_of_range_and_ece_misuse_are_named(tmp_path: Path) -> None:
    data = _minimal()
    data["dimensions"] = {
        "safety_refusal": {"limit": 5},
        "factuality": {"metric": "ece", "limit": 0.1},
    }
    with pytest.raises(BadInput) as err:
        load_policy(_write(tmp_path, data))
    assert "dimensions.safety_refusal.limit" in str(err.value)
    data["dimensions"] = {"factuality": {"metric": "ece", "limit": 0.1}}
    with pytest.raises(BadInput, match="dimensions.factuality.metric"):
        load_policy(_write(tmp_path, data))


def test_malformed_yaml_and_unknown_name(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: [unclosed\n")
    with pytest.raises(BadInput, match="malformed YAML"):
        load_policy(path)
    with pytest.raises(BadInput, match="unknown policy 'nosuch'"):
        load_policy("nosuch")
    with pytest.raises(BadInput, match="no such file"):
        load_policy(tmp_path / "absent.yaml")
