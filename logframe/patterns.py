"""Log templates: group messages that differ only in their variable parts.

Four steps, one configuration for every input (each rule is about what variables look like in
logs in general, see ``make bench-patterns`` for how it fares on 16 labelled sets):

1. **Mask** the obvious variables with vectorised Polars expressions: the values of ``key=value``
   pairs, quoted strings, dates written out (``Sun Jul 10``), UUIDs, IP addresses (with ports), hex
   numbers, paths and URLs, boolean literals, sizes with their unit (``5.2 KB`` / ``93.0 B``: the unit
   follows the magnitude), numbers (also inside identifiers: ``blk_-6952`` → ``blk_<*>``) and bracketed
   lists of two or more bare items (``(worker.jni, onStartup)``, ``[TERM, HUP, INT]``: a tuple or a
   collection printed by code is one value, whatever its items and how many there are).
2. **Cluster the distinct masked strings** (usually far fewer than the messages) with a Drain-style
   fixed-depth tree: messages with the same number of tokens and the same first :data:`DEPTH` tokens
   share a leaf; in a leaf a message joins the most similar template if it shares at least
   :data:`SIMILARITY` of the template's constant tokens, and the positions that differ become ``<*>``.
   As in Drain, a word without digits among the first :data:`DEPTH` tokens keeps messages apart
   (after the first token, only a plain word: a compound identifier such as ``OrderService`` is a
   name the program may fill in, like a token with digits, and is left to the similarity), unless
   more than :data:`FEW_WORDS` templates differ only there, each seen once (``crond startup
   succeeded`` / ``sshd startup succeeded`` / …): many words seen once each are a variable.
3. **Split on enumerations**: a ``<*>`` position that takes at most :data:`FEW_WORDS` plain words in a
   cluster, each in more than one message (``stored as bytes`` / ``stored as values``), or only
   upper-case names (enum constants as code prints them: ``from RUNNING to SUCCEEDED``) is taken as
   part of the template.
4. **Causes are variables**: templates ``<context>: <cause>`` whose context has a variable and that
   take more than :data:`FEW_WORDS` causes (``job <*> failed: no such host`` / ``…: i/o timeout``, a
   wrapped error of any length) are one template ending in ``<*>``.

Examples
--------
>>> from logframe.patterns import mine_templates
>>> mine_templates(["Connection to 10.0.0.1:5432 failed after 3 retries",
...                 "Connection to 10.0.0.7:5432 failed after 12 retries",
...                 "User alice logged in"])["template"].to_list()
['Connection to <*> failed after <*> retries', 'Connection to <*> failed after <*> retries', 'User alice logged in']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import polars as pl

WILDCARD = "<*>"

SIMILARITY = 0.7
"""Share of a template's constant tokens a message must share to join it."""

DEPTH = 2
"""Leading tokens (besides the token count) that key a leaf; tokens with digits or ``<*>`` count as ``<*>``,
and so do compound identifiers after the first token."""

FEW_WORDS = 3
"""A ``<*>`` position whose values in a cluster are at most this many plain words splits the cluster."""


@dataclass(frozen=True)
class Settings:
    """The clustering parameters; the defaults are the one configuration used everywhere.

    Only ``bench.patterns`` passes others (its leave-one-dataset-out search).

    Examples
    --------
    >>> Settings().similarity, Settings(depth=1).depth
    (0.7, 1)
    """

    similarity: float = SIMILARITY
    depth: int = DEPTH
    few_words: int = FEW_WORDS


_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
_DATE = rf"\b(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) )?(?:{_MONTHS}) +\d{{1,2}}\b"

_B = r"(?-u:\b)"  # an ASCII word boundary: what delimits these variables, and far cheaper than Unicode's
_VARIABLES = "|".join(
    (
        rf"(?i:{_B}[a-z][a-z0-9+.\-]*://\S+)",  # URLs
        _DATE.replace(r"\b", _B),  # dates written out: "Sun Jul 10", "Jul 10"
        r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'",  # quoted strings
        rf"(?i:{_B}[0-9a-f]{{8}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{12}}{_B})",  # UUIDs
        rf"{_B}\d{{1,3}}(?:\.\d{{1,3}}){{3}}(?::\d+)?{_B}",  # IPv4 with optional port
        rf"(?i:{_B}0x[0-9a-f]+{_B})",  # hex literals
        rf"(?i:{_B}[0-9a-f]*(?:\d[0-9a-f]*[a-f]|[a-f][0-9a-f]*\d)[0-9a-f]*{_B})",  # hex with digits and letters
        rf"(?i:{_B}(?:true|false){_B})",  # boolean literals: always the value of some flag
        rf"{_B}\d+(?:\.\d+)? ?(?:[KMGTP]i?)?B{_B}",  # sizes: the unit follows the magnitude
        r"-?\d+(?:\.\d+)?",  # numbers, also inside identifiers
    )
)
"""The variables masked as a whole, in one pass; where two could start at one place, the first listed wins."""

_ITEM = r"[^\s,()\[\]{}=]*"
_LIST = rf"\s*{_ITEM}(?:\s*,\s*{_ITEM})+\s*"
"""Inside brackets, two or more bare items (no spaces, no ``key=``): one value, whatever the items and their number."""

_MASKS: tuple[tuple[str, str], ...] = (
    (_VARIABLES, WILDCARD),
    (rf"\({_LIST}\)", f"({WILDCARD})"),  # a tuple printed by code: (worker.jni, onStartup)
    (rf"\[{_LIST}\]", f"[{WILDCARD}]"),  # a list: [TERM, HUP, INT]
    (r"(?:^|\s)/\S*", " " + WILDCARD),  # absolute paths
    (r"=[^\s,;)\]}]+", "=" + WILDCARD),  # key=value values, up to a bracket closing around the pair
)


def mask(messages: pl.Expr) -> pl.Expr:
    """Replace the obvious variable parts of messages with ``<*>`` (see the module docstring).

    Examples
    --------
    >>> import polars as pl
    >>> s = pl.Series(["GET /api/cases/17 took 45ms id=0x1f user='bob'"])
    >>> pl.select(mask(pl.lit(s))).item()
    'GET <*> took <*>ms id=<*> user=<*>'
    """
    return _finish_mask(_mask_variables(messages))


def _mask_variables(messages: pl.Expr) -> pl.Expr:
    """The per-message pass of :func:`mask`: few distinct values remain, for :func:`_finish_mask`."""
    return messages.str.replace_all(_VARIABLES, WILDCARD)


def _finish_mask(partly: pl.Expr) -> pl.Expr:
    """The rest of :func:`mask` (paths, key=value values, spacing), cheap on the distinct values."""
    masked = partly
    for pattern, replacement in _MASKS[1:]:
        masked = masked.str.replace_all(pattern, replacement)
    return masked.str.replace_all(r"(?:<\*>)+", WILDCARD).str.replace_all(r"\s+", " ").str.strip_chars()


_CAMEL = re.compile(r"[a-z][A-Z]")
"""A lower-case letter followed by a capital: a compound identifier (``OrderService``, ``onStartup``)."""


def _keys_leaf(position: int, token: str) -> bool:
    """Whether a leading token keeps messages apart in the tree (else it counts as ``<*>`` there).

    Tokens with digits or ``<*>`` never do (Drain's rule); after the first token (which names the
    event, as Drain assumes), neither does a compound identifier: in ``Stopping OrderService workers``
    / ``Stopping PaymentService workers`` it names the component the program filled in, while a
    plain word (``Changing view acls`` / ``Changing modify acls``) is the event's own text.

    Examples
    --------
    >>> [_keys_leaf(i, t) for i, t in enumerate(["Stopping", "OrderService", "view", "blk_<*>"])]
    [True, False, True, False]
    >>> _keys_leaf(0, "acceptedEpoch")
    True
    """
    if WILDCARD in token or any(c.isdigit() for c in token):
        return False
    return position == 0 or _CAMEL.search(token) is None


@dataclass
class _Cluster:
    tokens: list[str]
    ident: int


@dataclass
class _Tree:
    """Leaves keyed by (token count, first token); clusters in creation order."""

    settings: Settings
    leaves: dict[tuple[int | str, ...], list[_Cluster]] = field(default_factory=dict)
    clusters: list[_Cluster] = field(default_factory=list)

    def add(self, tokens: list[str]) -> _Cluster:
        path = tuple(t if _keys_leaf(i, t) else WILDCARD for i, t in enumerate(tokens[: self.settings.depth]))
        leaf = self.leaves.setdefault((len(tokens), *path), [])
        best, best_score = None, -1.0
        for cluster in leaf:
            score = _similarity(cluster.tokens, tokens)
            if score > best_score:
                best, best_score = cluster, score
        if best is not None and best_score >= self.settings.similarity:
            best.tokens = [a if a == b else WILDCARD for a, b in zip(best.tokens, tokens, strict=True)]
            return best
        cluster = _Cluster(list(tokens), len(self.clusters))
        leaf.append(cluster)
        self.clusters.append(cluster)
        return cluster


def _similarity(template: list[str], tokens: list[str]) -> float:
    if not tokens:
        return 1.0
    same = sum(1 for a, b in zip(template, tokens, strict=True) if a == b and a != WILDCARD)
    constants = sum(1 for a in template if a != WILDCARD) or 1
    return same / constants


def cluster_masked(
    distinct: list[str], settings: Settings | None = None, counts: Sequence[int] | None = None
) -> tuple[list[int], list[str]]:
    """Cluster distinct masked messages: each one's template id, and the templates.

    Parameters
    ----------
    distinct
        Masked messages (see :func:`mask`), each once; earlier ones seed the templates.
    settings
        The clustering parameters (:class:`Settings`; its defaults unless given).
    counts
        How many messages each masked message stands for (1 each unless given): a few words at a
        position are read as an enumeration only when they recur.

    Returns
    -------
    tuple[list[int], list[str]]
        The template id of every input, in order, and the templates indexed by id.

    Examples
    --------
    >>> cluster_masked(["job <*> done in <*>s", "job <*> failed", "job <*> done in <*>ms"])
    ([0, 1, 0], ['job <*> done in <*>', 'job <*> failed'])
    """
    settings = settings or Settings()
    weights = list(counts) if counts is not None else [1] * len(distinct)
    tree = _Tree(settings)
    rows = [text.split(" ") if text else [] for text in distinct]
    assigned = [tree.add(tokens).ident for tokens in rows]
    templates = [c.tokens for c in tree.clusters]
    cluster_weight = [0] * len(templates)
    for ident, w in zip(assigned, weights, strict=True):
        cluster_weight[ident] += w
    merged = _merge_variable_words(templates, settings.few_words, cluster_weight)
    assigned = [merged[i] for i in assigned]
    ids, names = _split_enumerations(rows, weights, assigned, templates, settings.few_words)
    return _merge_reasons(ids, names, settings.few_words)


def _merge_reasons(ids: list[int], names: list[str], few_words: int) -> tuple[list[int], list[str]]:
    """Merge templates ``<context>: <reason>`` whose context has variables and takes many reasons.

    Wrapped errors are written so (``fetch <*> failed: connection reset by peer``, Go's ``%w``, Python's
    and Java's exception chains): the text after the last ``:`` is the cause, a variable of the event,
    of any length. More than ``few_words`` distinct causes after the same context make it one template.
    """
    contexts: dict[str, list[int]] = {}
    for ident, name in enumerate(names):
        tokens = name.split(" ")
        cut = max((i for i, t in enumerate(tokens[:-1]) if t.endswith(":")), default=-1)
        if cut < 0:
            continue
        head = " ".join(tokens[: cut + 1])
        if WILDCARD in head:
            contexts.setdefault(head, []).append(ident)
    target = list(range(len(names)))
    for context, idents in contexts.items():
        if len(idents) > few_words:
            for ident in idents:
                target[ident] = idents[0]
            names[idents[0]] = f"{context} {WILDCARD}"
    renumber: dict[int, int] = {}
    out_names: list[str] = []
    for t in target:
        if t not in renumber:
            renumber[t] = len(out_names)
            out_names.append(names[t])
    return [renumber[target[i]] for i in ids], out_names


_ENUM_NAME = re.compile(r"[A-Z][A-Z_]*[A-Z]")
_CLASS_NAME = re.compile(r"(?:[a-z_][a-z_]*\.)+[A-Z][A-Za-z_$]*")
"""A qualified class name (``java.io.EOFException``): a symbol of the program, not data (host names are lower case)."""


def _is_word(token: str) -> bool:
    """A token that could be an enumeration's value: no digits, not already a variable."""
    return WILDCARD not in token and not any(c.isdigit() for c in token)


def _merge_variable_words(templates: list[list[str]], few_words: int, weight: list[int]) -> list[int]:
    """Merge templates that differ in one word only, more than ``few_words`` of them, each seen once.

    The tree keeps messages apart when their leading tokens differ (``crond startup succeeded`` /
    ``sshd startup succeeded``), as Drain does; but many words at one position, none of them
    recurring, are a variable wherever they are (words that recur are read as separate events, as in
    :func:`_split_enumerations`). Returns each template's representative, whose tokens become ``<*>``
    at the merged position.
    """
    parent = list(range(len(templates)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    siblings: dict[tuple[int, tuple[str, ...]], list[int]] = {}
    for ident, tokens in enumerate(templates):
        for i, token in enumerate(tokens):
            if _is_word(token):
                key = (i, (*tokens[:i], WILDCARD, *tokens[i + 1 :]))
                siblings.setdefault(key, []).append(ident)
    for (position, _), idents in siblings.items():
        if len(idents) <= few_words or max(weight[i] for i in idents) > 1:
            continue
        first = root(idents[0])
        for ident in idents[1:]:
            parent[root(ident)] = first
        for ident in idents:
            templates[ident][position] = WILDCARD
    reps = [root(i) for i in range(len(templates))]
    for ident, rep in enumerate(reps):
        if rep != ident:
            templates[rep] = [a if a == b else WILDCARD for a, b in zip(templates[rep], templates[ident], strict=True)]
    return reps


def _split_enumerations(
    rows: list[list[str]], weights: list[int], assigned: list[int], templates: list[list[str]], few_words: int
) -> tuple[list[int], list[str]]:
    """Split clusters on positions that take a few recurring plain words, or enum names only.

    A few letters-only words, each seen in more than one message, are more often an enumeration that
    belongs to the template (``stored as bytes`` / ``stored as values``) than a variable; a position
    with more distinct words (user names), or with words seen once each (no evidence of a closed
    set), stays ``<*>``. Upper-case names (``RUNNING``, ``SUCCESS_CONTAINER_CLEANUP``) are how code
    prints enum constants, so a position holding only those is always part of the template.
    """
    members: dict[int, list[int]] = {}
    for n, ident in enumerate(assigned):
        members.setdefault(ident, []).append(n)
    split_positions: dict[int, list[int]] = {}
    for ident, rows_of in members.items():
        positions = []
        for i, token in enumerate(templates[ident]):
            if token != WILDCARD:
                continue
            seen: dict[str, int] = {}
            for n in rows_of:
                seen[rows[n][i]] = seen.get(rows[n][i], 0) + weights[n]
            if all(_ENUM_NAME.fullmatch(v) for v in seen) or (
                1 < len(seen) <= few_words
                and all(v.isalpha() or _CLASS_NAME.fullmatch(v) for v in seen)
                and min(seen.values()) > 1
            ):
                positions.append(i)
        split_positions[ident] = positions
    keys: dict[tuple[int, tuple[str, ...]], int] = {}
    names: list[str] = []
    ids = []
    for tokens, ident in zip(rows, assigned, strict=True):
        positions = split_positions[ident]
        key = (ident, tuple(tokens[i] for i in positions))
        if key not in keys:
            keys[key] = len(names)
            filled = list(templates[ident])
            for i in positions:
                filled[i] = tokens[i]
            names.append(" ".join(filled))
        ids.append(keys[key])
    return ids, names


def mine_templates(messages: pl.Series | Sequence[str | None], settings: Settings | None = None) -> pl.DataFrame:
    """One row per message, in order: ``template_id`` and ``template`` (variables as ``<*>``).

    Only the distinct masked messages are clustered, so a million messages of a few hundred
    shapes cost little more than masking them.

    Examples
    --------
    >>> mine_templates(["disk 91% full on /dev/sda1", "disk 97% full on /dev/sdb2", None]).rows()
    [(0, 'disk <*>% full on <*>'), (0, 'disk <*>% full on <*>'), (None, None)]
    """
    series = messages if isinstance(messages, pl.Series) else pl.Series(list(messages), dtype=pl.String)
    frame = pl.DataFrame({"partly": series.cast(pl.String)}).with_columns(pl.col("partly").pipe(_mask_variables))
    partly = (
        frame.filter(pl.col("partly").is_not_null())
        .group_by("partly", maintain_order=True)
        .len()
        .with_columns(masked=pl.col("partly").pipe(_finish_mask))
    )
    shapes = partly.group_by("masked", maintain_order=True).agg(pl.col("len").sum())
    distinct = shapes["masked"].to_list()
    ids, names = cluster_masked(distinct, settings, shapes["len"].to_list())
    lookup = (
        partly.select("partly", "masked")
        .join(
            pl.DataFrame(
                {"masked": distinct, "template_id": ids}, schema={"masked": pl.String, "template_id": pl.UInt32}
            ),
            on="masked",
        )
        .select("partly", "template_id")
    )
    templates = pl.DataFrame(
        {"template_id": list(range(len(names))), "template": names},
        schema={"template_id": pl.UInt32, "template": pl.String},
    )
    return (
        frame.join(lookup, on="partly", how="left", maintain_order="left")
        .join(templates, on="template_id", how="left", maintain_order="left")
        .select("template_id", "template")
    )


MASKED = "_logframe_masked"
"""A column holding ``mask(message)`` already (the record cache keeps it), which :func:`summarise` then uses."""

KEPT = "patterns/1"
"""The name under which a cache entry keeps :func:`kept_groups` of its records (versioned by their shape)."""

MAX_GROUPS = 20_000
"""A cache entry keeps its records' :func:`group_messages` only if they have at most this many masked messages..."""

MAX_GROUP_BYTES = 4 << 20
"""... and only if those groups (their example messages mostly) take at most this many bytes."""


def group_messages(lf: pl.LazyFrame) -> pl.DataFrame:
    """The records grouped by their partly masked message: count, first/last seen, an example, counts by level.

    The one streaming pass of :func:`summarise` over the records: their messages with numbers, IDs and
    such masked (few distinct values), which :func:`templates` finishes masking; or, if ``lf`` has a
    :data:`MASKED` column, those whole masks. The example is the group's earliest message (at
    ``first_seen``; any one of them on a tie), so it does not depend on the order the records come in.

    Examples
    --------
    >>> import datetime as dt, polars as pl
    >>> from logframe.schema import SCHEMA
    >>> t = dt.datetime(2025, 10, 7, 16, tzinfo=dt.UTC)
    >>> messages = ["job 7 failed", "job 9 failed"]
    >>> lf = pl.LazyFrame({"timestamp": [t, t], "level": ["ERROR", "INFO"], "message": messages},
    ...                   schema={k: SCHEMA[k] for k in ("timestamp", "level", "message")})
    >>> group_messages(lf).select("partly", "count", "ERROR", "INFO").rows()
    [('job <*> failed', 2, 1, 1)]
    """
    from logframe.schema import LEVELS

    partly = pl.col(MASKED) if MASKED in lf.collect_schema().names() else _mask_variables(pl.col("message"))
    return (
        lf.filter(pl.col("message").is_not_null())
        .group_by(partly.alias("partly"))
        .agg(
            pl.len().cast(pl.UInt32).alias("count"),
            pl.col("timestamp").min().alias("first_seen"),
            pl.col("timestamp").max().alias("last_seen"),
            pl.col("message").sort_by("timestamp", nulls_last=True).first().alias("example"),
            *[(pl.col("level") == level).sum().cast(pl.UInt32).alias(level) for level in LEVELS],
        )
        .collect(engine="streaming")
    )


def kept_groups(lf: pl.LazyFrame) -> pl.DataFrame | None:
    """:func:`group_messages` of records with a :data:`MASKED` column, for a cache entry to keep; None if too big.

    ``patterns()`` of the whole entry then reads these groups (usually hundreds or thousands) instead
    of every record. Bounded in memory: the distinct masks are estimated (HyperLogLog) first, with the
    messages' mean length, and grouped only if there are about :data:`MAX_GROUPS` or fewer, taking
    about :data:`MAX_GROUP_BYTES` or less (a mask and an example message each).

    Examples
    --------
    >>> import polars as pl
    >>> from logframe.schema import SCHEMA
    >>> records = pl.LazyFrame({"message": ["a 1", "a 2", None]}, schema={"message": pl.String})
    >>> records = records.with_columns(pl.lit(None, SCHEMA["timestamp"]).alias("timestamp"), level=pl.lit("INFO"))
    >>> kept_groups(records.with_columns(mask(pl.col("message")).alias(MASKED)))[["partly", "count"]].rows()
    [('a <*>', 2)]
    """
    distinct, length = (
        lf.select(pl.col(MASKED).approx_n_unique(), pl.col("message").str.len_bytes().mean())
        .collect(engine="streaming")
        .row(0)
    )
    if distinct > 2 * MAX_GROUPS or distinct * 2 * (length or 0) > 2 * MAX_GROUP_BYTES:
        return None
    groups = group_messages(lf)
    return groups if groups.height <= MAX_GROUPS and groups.estimated_size() <= MAX_GROUP_BYTES else None


def templates(groups: pl.DataFrame, masked: bool = False) -> pl.DataFrame:
    """The templates of :func:`group_messages`' groups: counts, first/last seen, counts by level, an example.

    The rest of the masking runs on the groups (unless ``masked``: they are whole masks already),
    only the distinct masked messages are clustered, then rolled up per template. Most frequent
    template first.

    Examples
    --------
    >>> import datetime as dt, polars as pl
    >>> from logframe.schema import SCHEMA
    >>> lf = pl.LazyFrame({"timestamp": [None, None], "level": ["ERROR", "ERROR"], "message": ["GET /a", "GET /b"]},
    ...                   schema={k: SCHEMA[k] for k in ("timestamp", "level", "message")})
    >>> templates(group_messages(lf)).select("template", "count", "ERROR").rows()
    [('GET <*>', 2, 2)]
    """
    from logframe.schema import LEVELS

    finish: Callable[[pl.Expr], pl.Expr] = (lambda done: done) if masked else _finish_mask
    per_masked = (
        groups.group_by(finish(pl.col("partly")).alias("masked"))
        .agg(
            pl.col("count").sum(),
            pl.col("first_seen").min(),
            pl.col("last_seen").max(),
            pl.col("example").sort_by("first_seen").first(),
            *[pl.col(level).sum() for level in LEVELS],
        )
        .sort("first_seen", "masked", nulls_last=True)
    )
    ids, names = cluster_masked(per_masked["masked"].to_list(), counts=per_masked["count"].to_list())
    grouped = per_masked.with_columns(template=pl.Series([names[i] for i in ids], dtype=pl.String))
    return (
        grouped.sort("count", descending=True)
        .group_by("template", maintain_order=True)
        .agg(
            pl.col("count").sum(),
            pl.col("first_seen").min(),
            pl.col("last_seen").max(),
            *[pl.col(level).sum() for level in LEVELS],
            pl.col("example").first(),
        )
        .sort(["count", "template"], descending=[True, False])
    )


def summarise(lf: pl.LazyFrame) -> pl.DataFrame:
    """Templates of the records' messages with counts, time span, counts by level and an example.

    :func:`templates` of :func:`group_messages`: one streaming pass over the records, the rest on
    their few distinct partly masked messages. A :data:`MASKED` column, if ``lf`` has one, is the
    whole mask already.

    Examples
    --------
    >>> import logframe
    >>> summarise(logframe.scan("sample_logs.txt").filter(level="CRITICAL").lazy())["count"].to_list()
    [3, 1]
    """
    return templates(group_messages(lf), masked=MASKED in lf.collect_schema().names())
