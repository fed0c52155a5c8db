import os

import torch

import checkpoint
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
