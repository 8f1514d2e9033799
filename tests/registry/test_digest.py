"""Model directories: config, card and the model-signing root digest."""

from __future__ import annotations

from pathlib import Path

import pytest
from model_signing import hashing
from model_signing._signing.signing import Payload

from heredity.registry import Registry, weights_digest
from heredity.registry._digest import model_files, signing_ignore_paths


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from transformers import GPT2Config, GPT2LMHeadModel

    out = tmp_path_factory.mktemp("tiny")
    cfg = GPT2Config(vocab_size=50, n_positions=32, n_embd=16, n_layer=1, n_head=2)
    GPT2LMHeadModel(cfg).save_pretrained(out)
    (out / "README.md").write_text(
        "---\nlicense: apache-2.0\nbase_model: acme/base@1\n---\n# tiny\n"
    )
    return out


def test_digest_matches_the_signing_payload_subject(tiny_model: Path, tmp_path: Path) -> None:
    # The digest covers the model files; the model card is left out, as model-signing does when
    # told to ignore what signing_ignore_paths names, or when the deployed copy has no card.
    assert signing_ignore_paths(tiny_model) == ["README.md"]
    config = hashing.Config().set_ignored_paths(paths=signing_ignore_paths(tiny_model))
    subject = Payload(config.hash(tiny_model)).statement.pb.subject[0]
    assert weights_digest(tiny_model) == "sha256:" + subject.digest["sha256"]
    deployed = tmp_path / "deployed"
    deployed.mkdir()
    for name in model_files(tiny_model):
        (deployed / name).write_bytes((tiny_model / name).read_bytes())
    plain = Payload(hashing.hash(deployed)).statement.pb.subject[0]
    assert weights_digest(tiny_model) == "sha256:" + plain.digest["sha256"]


def test_digest_changes_when_weights_change(tiny_model: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(tiny_model, copy)
    assert weights_digest(copy) == weights_digest(tiny_model)
    weights = copy / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    assert weights_digest(copy) != weights_digest(tiny_model)


def test_register_model_dir_reads_config_card_and_parameters(
    registry: Registry, tiny_model: Path
) -> None:
    from transformers import GPT2LMHeadModel

    expected = sum(
        p.numel()
        for p in GPT2LMHeadModel.from_pretrained(tiny_model).state_dict().values()
        if p is not None
    )
    rec = registry.register_model_dir(tiny_model, name="acme/tiny", version="1")
    assert rec.architecture == "gpt2"
    assert rec.licence == "apache-2.0"
    assert rec.base_model == "acme/base@1"
    assert rec.digest == weights_digest(tiny_model)
    # Tied embeddings are stored once in safetensors; count what is on disk.
    assert 0 < rec.parameters <= expected  # type: ignore[operator]
