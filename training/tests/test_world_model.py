import copy
import json
import os

import numpy as np
import pytest
import torch

import checkpoint
import config
import scenes
import scenes_v2 as W
import train
from model import TextToImage
from text_encoder import TextEncoder


def mask_rows(caption, scope="objects"):
    cfg = config.world_v2_model(relation_scope=scope)
    m = TextEncoder(cfg).attention_mask_v2(torch.tensor([W.tokenize(caption)]))[0]
    words = ["<s>"] + W.split_words(caption)
    return {(words[i], i): {words[j] for j in range(len(words)) if m[i, j]} for i in range(len(words))}, m, words


def test_v2_phrases_split_objects_relations_and_background():
    rows, m, words = mask_rows("a red ring on the left, a blue star in the center and a pink heart on the right "
                               "on a dark background")
    assert rows[("red", 2)] == {"a", "red", "ring", "on", "the", "left"}
    assert rows[("blue", 8)] == {"a", "blue", "star", "in", "the", "center"}
    assert rows[("pink", 15)] == {"and", "a", "pink", "heart", "on", "the", "right"}
    assert rows[("dark", 22)] == {"on", "a", "dark", "background"}
    # relations: object words see their own phrase and the relation words, never the other object
    rows, m, words = mask_rows("a red ring to the left of a blue star")
    assert rows[("red", 2)] == {"a", "red", "ring", "to", "the", "left", "of"}
    assert rows[("blue", 9)] == {"a", "blue", "star", "to", "the", "left", "of"}
    assert rows[("left", 6)] == set(words) - {"<s>"} | {"<s>"}  # "objects" scope: the whole prompt
    rows, m, words = mask_rows("a red ring to the left of a blue star", scope="own")
    assert rows[("left", 6)] == {"to", "the", "left", "of"}
    assert not m[:, W.MAX_TOKENS - 1][:-1].any()  # nobody attends to a pad


def test_world_v2_fine_tune_grows_the_vocabulary(smoke_run, tmp_path):
    cfg = copy.deepcopy(config.PRESETS["world-smoke"])
    cfg.init_from, cfg.steps, cfg.threads = smoke_run, 2, 1
    out = str(tmp_path / "w")
    assert train.train(cfg, out, quiet=True) == 2
    src = checkpoint.load_checkpoint(os.path.join(smoke_run, "ckpt.pt"))["ema"]
    # the starting point (before any step) is checked on a fresh model initialised the same way
    model = TextToImage(cfg.model)
    ema = copy.deepcopy(model)
    base = train.init_for(cfg, model, ema, quiet=True)
    tok = model.state_dict()["text.tok.weight"]
    for w in scenes.VOCAB:
        assert torch.equal(tok[W.STOI[w]], src["text.tok.weight"][scenes.STOI[w]]), w
    assert model.state_dict()["text.pos"].shape[1] == W.MAX_TOKENS
    assert torch.equal(model.state_dict()["text.pos"][:, :20], src["text.pos"])
    assert base["vocabularyGrown"]["to"] == len(W.WORDS)
    ck = checkpoint.load_checkpoint(os.path.join(out, "ckpt.pt"))
    assert ck["vocab"] == W.VOCAB and ck["base"]["vocabularyGrown"]


def test_a_v2_fine_tune_from_a_v2_run_keeps_every_word_and_refuses_a_checkpoint_without_its_vocab(smoke_run, tmp_path):
    cfg = copy.deepcopy(config.PRESETS["world-smoke"])
    cfg.init_from, cfg.steps, cfg.threads = smoke_run, 1, 1
    v2 = str(tmp_path / "v2")
    train.train(cfg, v2, quiet=True)
    # v2 -> v2 (how every stage after the first starts): each word keeps its own row
    src = checkpoint.load_checkpoint(os.path.join(v2, "ckpt.pt"))
    cfg.init_from = v2
    model = TextToImage(cfg.model)
    train.init_for(cfg, model, copy.deepcopy(model), quiet=True)
    assert torch.equal(model.state_dict()["text.tok.weight"], src["ema"]["text.tok.weight"])
    # a v2 checkpoint without 'vocab' (import_onnx.py wrote none before session 6) would be read as v1's
    # 23 words and its rows scrambled: refused, naming the fix
    del src["vocab"]
    bare = str(tmp_path / "bare")
    os.makedirs(bare)
    checkpoint.save_checkpoint(src, bare)
    cfg.init_from = bare
    with pytest.raises(ValueError, match="import_onnx"):
        train.init_for(cfg, model, copy.deepcopy(model), quiet=True)


def test_world_v2_export_carries_its_grammar(smoke_run, tmp_path):
    import export
    cfg = copy.deepcopy(config.PRESETS["world-smoke"])
    cfg.init_from, cfg.steps, cfg.threads = smoke_run, 1, 1
    run = str(tmp_path / "w")
    train.train(cfg, run, quiet=True)
    pkg, fixtures = str(tmp_path / "pkg"), str(tmp_path / "fx")
    man = export.export(run, pkg, fixtures, quiet=True)
    assert man["name"] == "scenes-v2" and man["tokenizer"]["vocab"] == W.VOCAB
    assert man["tokenizer"]["maxTokens"] == W.MAX_TOKENS
    spec = man["grammarSpec"]
    assert spec["maxObjects"] == 3 and spec["relations"]["left"] == "to the left of"
    assert json.load(open(os.path.join(pkg, "manifest.json")))["grammarSpec"] == json.loads(json.dumps(spec))
    golden = json.load(open(os.path.join(fixtures, "golden.json")))
    assert np.array(golden["input_ids"]).shape == (2, W.MAX_TOKENS)
