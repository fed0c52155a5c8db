"""Writes test/fixtures/grammar.json: both worlds' grammarSpec and captions sampled from each world, so the
TypeScript grammar check (src/model/grammar.ts) is tested against what training really writes.

    /usr/bin/python3 training/grammar_fixture.py
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenes  # noqa: E402
import scenes_v2  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "grammar.json")


def fixture():
    rng = np.random.default_rng(11)
    v1 = scenes.sample_batch(60, rng).captions
    v2 = {f: [scenes_v2.caption_of(scenes_v2.sample_scene(rng, form=f)) for _ in range(25)]
          for f in scenes_v2.FORM_P}
    return {"specs": {"scenes": scenes.GRAMMAR_SPEC, "scenes-v2": scenes_v2.GRAMMAR_SPEC},
            "captions": {"v1": v1, **{f"v2-{f}": c for f, c in v2.items()}}}


if __name__ == "__main__":
    with open(OUT, "w") as f:
        json.dump(fixture(), f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}")
