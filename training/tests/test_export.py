import json
import os

import onnx
import pytest

import export
import scenes

CONTRACT_KEYS = ["name", "version", "license", "description", "image", "tokenizer", "textEncoder", "unet",
                 "embeddingDim", "scheduler", "defaults", "grammarSpec", "attention", "control", "training",
                 "unetInt8", "unetInt8Recipe"]


def test_manifest(package):
    out, _, man = package
    assert json.load(open(os.path.join(out, "manifest.json"))) == man
    assert list(man) == CONTRACT_KEYS
    assert man["name"] == "scenes" and man["version"] == "1.1.0" and man["license"] == "MIT"
    assert man["image"] == {"width": 32, "height": 32, "channels": 3, "range": [-1, 1], "layout": "NCHW"}
    tok = man["tokenizer"]
    assert tok["kind"] == "word" and tok["vocab"] == scenes.VOCAB and tok["maxTokens"] == 20 and tok["lowercase"]
    assert tok["special"] == {"pad": "<pad>", "start": "<s>", "unknown": "<unk>"} and tok["phraseSeparator"] == "and"
    assert man["textEncoder"] == "text_encoder.onnx" and man["unet"] == "unet.onnx" and man["embeddingDim"] == 128
    assert man["scheduler"] == {"kind": "rectified-flow-euler", "trainTimesteps": 1000, "predictionType": "velocity",
                                "timestepScale": 1000, "guidanceUncond": ""}
    assert man["defaults"] == {"steps": 20, "guidance": 4, "seed": 0}
    assert man["grammarSpec"] == json.loads(json.dumps(scenes.GRAMMAR_SPEC)) and man["grammarSpec"]["maxObjects"] == 2
    tr = man["training"]
    assert tr["preset"] == "smoke" and tr["steps"] == 30 and tr["batchSize"] == 8
    assert tr["heldOut"] == [list(h) for h in scenes.HELD_OUT]
    assert set(tr["parameters"]) == {"textEncoder", "unet"} and tr["finalLoss"] > 0
    for k in ("grammar", "objective", "textEncoderNote", "wallTimeMinutes", "eval", "device", "fineTunedFrom"):
        assert k in tr
    assert tr["modelConfig"]["channels"] == [32, 64, 128] and tr["fineTunedFrom"] is None


def test_onnx_graphs(package):
    out, _, man = package
    te = onnx.load(os.path.join(out, "text_encoder.onnx"))
    un = onnx.load(os.path.join(out, "unet.onnx"))
    for m in (te, un):
        onnx.checker.check_model(m)
        assert any(o.domain in ("", "ai.onnx") and o.version == 17 for o in m.opset_import)
    io = lambda vs: [(v.name, v.type.tensor_type.elem_type,
                      [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]) for v in vs]
    F, I = onnx.TensorProto.FLOAT, onnx.TensorProto.INT64
    assert io(te.graph.input) == [("input_ids", I, ["batch", 20])]
    assert io(te.graph.output) == [("text_embeddings", F, ["batch", 20, 128])]
    assert io(un.graph.input)[:5] == [("sample", F, ["batch", 3, 32, 32]), ("timestep", F, ["batch"]),
                                      ("text_embeddings", F, ["batch", 20, 128]),
                                      ("token_scale", F, ["batch", 20]), ("inject_weight", F, ["batch", 20])]
    # contract v2: one inject input per attention output, named in the manifest, in its layout
    ctl = man["control"]
    assert ctl["tokenScale"] == "token_scale" and ctl["injectWeight"] == "inject_weight"
    assert ctl["order"] == "inject-then-scale" and ctl["renormalised"] is False
    assert io(un.graph.input)[5:] == [(ctl["inject"][a["output"]], F, ["batch", a["heads"],
                                       a["resolution"][0] * a["resolution"][1], 20]) for a in man["attention"]]
    outs = io(un.graph.output)
    assert outs[0] == ("model_output", F, ["batch", 3, 32, 32])
    # the manifest lists every attention output, in graph output order
    assert [a["output"] for a in man["attention"]] == [o[0] for o in outs[1:]]
    for a, (name, dtype, shape) in zip(man["attention"], outs[1:]):
        assert name == f"attn_{a['place']}_{a['block']}_{a['index']}" and dtype == F
        h, w = a["resolution"]
        assert shape == ["batch", a["heads"], h * w, 20]
        assert a["place"] in ("down", "mid", "up") and (h, w) in ((16, 16), (8, 8))
    # the attention is not fused away: each output is a Transpose of the controlled Softmax result
    # (Softmax -> injection blend -> scale)
    producers = {o: n for n in un.graph.node for o in n.output}
    for a in man["attention"]:
        node = producers[a["output"]]
        assert node.op_type == "Transpose"
        seen, todo = set(), [node.input[0]]
        while todo:
            n = producers.get(todo.pop())
            if n is None or n.name in seen or len(seen) > 12:
                continue
            seen.add(n.name)
            todo.extend(n.input)
        assert any(producers[o].op_type == "Softmax" for o in producers if producers[o].name in seen)


def test_package_size(package):
    out, _, _ = package
    size = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
    assert size <= 16 * 2 ** 20


def test_fixtures(package):
    _, fixtures, man = package
    g = json.load(open(os.path.join(fixtures, "golden.json")))
    assert g["input_ids"][0] == scenes.tokenize(g["prompt"]) and g["input_ids"][1] == scenes.tokenize("")
    assert g["timestep"] == [700.0, 700.0] and g["sample"]["shape"] == [2, 3, 32, 32]
    assert g["text_embeddings"]["shape"] == [2, 20, 128]
    assert list(g["outputs"]) == ["model_output"] + [a["output"] for a in man["attention"]]
    c = g["controlled"]
    assert list(c["outputs"]) == list(g["outputs"]) and list(c["inject"]) == list(man["control"]["inject"].values())
    assert c["token_scale"]["shape"] == [2, 20] and c["inject_weight"]["shape"] == [2, 20]
    s = json.load(open(os.path.join(fixtures, "scheduler.json")))
    assert len(s["t"]) == 26 and s["t"][0] == 1 and s["t"][-1] == 0
    st = s["step"]
    for i in range(len(st["x"])):
        v_hat = st["v_u"][i] + 4 * (st["v_c"][i] - st["v_u"][i])
        assert st["v_hat"][i] == pytest.approx(v_hat, abs=1e-5)
        assert st["x_next"][i] == pytest.approx(st["x"][i] + (st["t_next"] - st["t_i"]) * v_hat, abs=1e-5)
        assert st["x0_hat"][i] == pytest.approx(st["x"][i] - st["t_i"] * v_hat, abs=1e-5)
    total = sum(os.path.getsize(os.path.join(fixtures, f)) for f in os.listdir(fixtures))
    # the default config's six attention layers, each twice (plain and controlled step) and injected
    assert total < 3 * 2 ** 20


def test_onnx_matches_pytorch(package):
    """onnxruntime-node on the golden inputs vs the PyTorch outputs (Python has no onnxruntime here)."""
    out, fixtures, _ = package
    diffs = export.verify_with_ort(out, os.path.join(fixtures, "golden.json"))
    if diffs is None:
        pytest.skip("node / onnxruntime-node not installed")
    assert max(diffs.values()) < 1e-5, diffs
    assert any(k.startswith("controlled:") for k in diffs)  # the controlled step was compared too
