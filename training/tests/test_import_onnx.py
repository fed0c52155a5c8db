import os
import shutil

import pytest
import torch

import checkpoint
import export
import import_onnx


def test_rebuilds_exact_weights_from_a_package(smoke_run, package):
    """A package exported from a run rebuilds to the run's EMA weights, matching the golden fixture exactly."""
    out, fixtures, man = package
    model, cfg, _ = import_onnx.rebuild(out)
    trained, _, _ = checkpoint.load_model(smoke_run)
    want = trained.state_dict()
    for k, v in model.state_dict().items():
        assert torch.equal(v, want[k]), k
    diffs = import_onnx.check_against_golden(model, os.path.join(fixtures, "golden.json"))
    assert set(diffs) == {"text_embeddings", "model_output", *[a["output"] for a in man["attention"]]}
    assert max(diffs.values()) == 0.0, diffs


def test_a_package_without_fixtures_is_checked_in_onnxruntime(smoke_run, package):
    """--golden ort: the rebuilt model writes fixtures and onnxruntime-node runs the package on them
    (how a world-v2 package, exported with --no-fixtures, is imported for fine-tuning)."""
    out, _, man = package
    model, _, _ = import_onnx.rebuild(out)
    if shutil.which("node") is None or not os.path.isdir(os.path.join(export.REPO, "node_modules", "onnxruntime-node")):
        pytest.skip("node or onnxruntime-node not installed")
    diffs = import_onnx.check_against_ort(model, out)
    assert {"text_embeddings", "model_output", *[a["output"] for a in man["attention"]]} <= set(diffs)
    assert max(diffs.values()) < 1e-4, diffs


def test_a_fine_tune_of_an_imported_package_keeps_the_packages_lineage():
    import dataclasses
    import config
    earlier = {"preset": "world-relations", "steps": 1200, "fineTunedFrom": {"preset": "world", "steps": 3400}}
    ck = dict(config=dataclasses.asdict(config.PRESETS["world-cover"]), step=300, elapsed=60.0,
              imported_from="/x/public/models/scenes-v2", package_training={"preset": "world-cover", "fineTunedFrom": earlier})
    base = checkpoint.lineage(ck, "training/runs/world-cover/ckpt.pt")
    assert base["preset"] == "world-cover" and base["rebuiltFromPackage"] is True
    assert base["fineTunedFrom"] == earlier
