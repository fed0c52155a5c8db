"""
The two scenes worlds a model can be trained on, picked by name: "v1" (scenes.py) or "v2" (scenes_v2.py,
drawn by render_v2.py). Vocabulary, tokenizer and grammar come from the world module; a batch of training
scenes from sample_batch, which hides that v1 takes the share of two-object scenes as a knob.
"""

import scenes


def world_named(name):
    """The scenes module of a world ("v1" or "v2"), e.g. a TrainConfig's cfg.world."""
    if name == "v2":
        import scenes_v2  # imported on demand: v1-only tools never load the v2 world
        return scenes_v2
    return scenes


def world_of(model):
    """The scenes module (vocabulary, tokenizer, grammar) a model was trained on: its text encoder's phrase
    rule says which."""
    return world_named("v2" if model.cfg.phrase_rule == "v2" else "v1")


def sample_batch(world, B, rng, p_two=0.8, form_p=None, repeat_colour_p=0.0):
    """B random training scenes of a world ("v1" or "v2") as a Batch; p_two: v1's share of two-object
    scenes; form_p: v2's share of each scene form (None: scenes_v2.FORM_P); repeat_colour_p: v2's share of
    objects that take an earlier object's colour (scenes_v2.sample_scene)."""
    if world == "v2":
        import render_v2
        return render_v2.sample_batch(B, rng, form_p=form_p, repeat_colour_p=repeat_colour_p)
    return scenes.sample_batch(B, rng, p_two=p_two)
