"""Writes test/fixtures/world-v2-renders.json: clean renders of part of world v2's eval prompt set with the
Python checker's verdicts, so the TypeScript checker (src/cli/eval/world-v2*.ts) is held to agree.

    /usr/bin/python3 training/world_v2_fixture.py
"""
import base64
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checker_v2  # noqa: E402
import eval_v2  # noqa: E402
import render_v2 as R  # noqa: E402
import scenes_v2 as W  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures",
                   "world-v2-renders.json")


def fixture(per=4):
    prompts = [(c, sc) for c, sc in eval_v2.prompt_set() if True]
    picked, seen = [], {}
    for c, sc in prompts:
        if seen.get(c, 0) < per:
            seen[c] = seen.get(c, 0) + 1
            picked.append((c, sc))
    rng = np.random.default_rng(21)
    b = R.render([sc for _, sc in picked], rng)
    # a wrong variant of each: the first object's shape changed
    out = []
    for i, (c, sc) in enumerate(picked):
        img8 = np.round((b.image[i] + 1) / 2 * 255).astype(np.uint8)
        img = img8.astype(np.float32) / 255 * 2 - 1
        first = sc["objects"][0]
        wrong = dict(sc, objects=[dict(first, shape=W.SHAPES[(W.SHAPES.index(first["shape"]) + 1) % 8])] + sc["objects"][1:])
        verdict = lambda s: {k: (None if v is None else bool(v)) for k, v in checker_v2.check(img, s).items()
                             if k in ("all_right", "relation", "background")}
        out.append(dict(category=c, caption=W.caption_of(sc), scene=sc, wrong=wrong,
                        image=base64.b64encode(img8.tobytes()).decode("ascii"),
                        python=verdict(sc), pythonWrong=verdict(wrong)))
    return {"note": "python3 training/world_v2_fixture.py", "samples": out}


if __name__ == "__main__":
    with open(OUT, "w") as f:
        json.dump(fixture(), f)
        f.write("\n")
    print(f"wrote {OUT}")
