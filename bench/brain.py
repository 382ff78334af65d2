"""A small Brain-style log parser, a baseline for ``bench.patterns`` (not part of the package).

After Yu et al., *Brain: Log Parsing with Bidirectional Parallel Tree* (IEEE TSC 2023), reduced to its
core with one configuration for every set:

1. Mask digits-bearing tokens with a few generic regexes (numbers, IPs, hex), split on whitespace.
2. Among messages of the same token count, count each (position, word) pair.
3. A message's *root* is the largest set of its positions whose words share one frequency (ties:
   the higher frequency); messages with the same root words form a group.
4. In a group, a non-root position with at most ``threshold`` distinct words splits the group (the
   words are constants); a position with more is a variable.

Examples
--------
>>> brain_parse(["job 1 done in 5 s", "job 2 done in 7 s", "job 3 failed"])
([0, 0, 1], ['job <*> done in <*> s', 'job <*> done in <*> s', 'job <*> failed'])
"""

from __future__ import annotations

import re
from collections import Counter

_MASKS = (
    re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b"),
    re.compile(r"(?i)\b0x[0-9a-f]+\b"),
    re.compile(r"-?\b\d+(?:\.\d+)?\b"),
)
WILDCARD = "<*>"


def _tokens(message: str) -> list[str]:
    for pattern in _MASKS:
        message = pattern.sub(WILDCARD, message)
    return message.split()


def brain_parse(messages: list[str], threshold: int = 4) -> tuple[list[int], list[str]]:
    """Group ids and templates, one per message (see the module docstring)."""
    tokenised = [_tokens(m) for m in messages]
    freq: dict[int, Counter[tuple[int, str]]] = {}
    for tokens in tokenised:
        freq.setdefault(len(tokens), Counter()).update(enumerate(tokens))
    roots: list[tuple[int, tuple[int, ...]]] = []
    for tokens in tokenised:
        counts = freq[len(tokens)]
        by_freq: dict[int, list[int]] = {}
        for i, t in enumerate(tokens):
            by_freq.setdefault(counts[(i, t)], []).append(i)
        best = max(by_freq.items(), key=lambda kv: (len(kv[1]), kv[0])) if by_freq else (0, [])
        roots.append((len(tokens), tuple(best[1])))
    groups: dict[tuple[int, tuple[int, ...], tuple[str, ...]], list[int]] = {}
    for n, (tokens, (length, positions)) in enumerate(zip(tokenised, roots, strict=True)):
        key = (length, positions, tuple(tokens[i] for i in positions))
        groups.setdefault(key, []).append(n)
    ids = [0] * len(messages)
    templates = [""] * len(messages)
    next_id = 0
    for (length, positions, _), members in groups.items():
        rows = [tokenised[m] for m in members]
        split: list[int] = []
        variable: set[int] = set()
        for i in range(length):
            if i in positions:
                continue
            values = {r[i] for r in rows}
            if len(values) <= threshold and not any(any(c.isdigit() for c in v) for v in values):
                split.append(i)
            elif len(values) > 1:
                variable.add(i)
        sub: dict[tuple[str, ...], int] = {}
        for m, r in zip(members, rows, strict=True):
            k = tuple(r[i] for i in split)
            if k not in sub:
                sub[k] = next_id
                next_id += 1
            ids[m] = sub[k]
            templates[m] = " ".join(WILDCARD if i in variable else t for i, t in enumerate(r))
    return ids, templates
