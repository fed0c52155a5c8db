"""
The word-level tokenizer both scenes worlds use (scenes.py, scenes_v2.py); each world brings its own
vocabulary and length. src/model/tokenizer.ts implements exactly the same rules.
"""

import re
import unicodedata

PAD, BOS, UNK = 0, 1, 2  # ids of <pad>, <s>, <unk>: the first three entries of every vocabulary


def split_words(text):
    """Invisible joiners removed -> NFKC -> lowercase -> every char not in [a-z0-9] becomes a space
    -> split on whitespace (src/model/tokenizer.ts splitWords is the same rule)."""
    text = re.sub("[\u00ad\u200b-\u200d\u2060\ufeff]", "", text)
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[^a-z0-9]", " ", text).split()


def encode(text, stoi, max_tokens, report=None):
    """Returns a list of max_tokens ids: [<s>] + word ids (unknown -> <unk>) + <pad>...
    If report is a dict it receives 'unknown' (list of words) and 'truncated' (list of dropped words)."""
    words = split_words(text)
    ids = [BOS] + [stoi.get(w, UNK) for w in words]
    if report is not None:
        report["unknown"] = [w for w in words if w not in stoi]
        report["truncated"] = words[max_tokens - 1:]
    ids = ids[:max_tokens]
    return ids + [PAD] * (max_tokens - len(ids))
