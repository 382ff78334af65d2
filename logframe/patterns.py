"""Log templates: group messages that differ only in their variable parts.

Two steps, one configuration for every input:

1. **Mask** the obvious variables with vectorised Polars expressions: the values of ``key=value``
   pairs, quoted strings, dates written out (``Sun Jul 10``), UUIDs, IP addresses (with ports), hex
   numbers, paths and URLs, boolean literals, and numbers (also inside identifiers: ``blk_-6952`` → ``blk_<*>``).
2. **Cluster the distinct masked strings** (usually far fewer than the messages) with a Drain-style
   fixed-depth tree: messages with the same number of tokens and the same first :data:`DEPTH` tokens
   share a leaf; in a leaf a message joins the most similar template if it shares at least
   :data:`SIMILARITY` of the template's constant tokens, and the positions that differ become ``<*>``.
   As in Drain, a variable word without digits among the first :data:`DEPTH` tokens
   (``User root logged in`` / ``User admin logged in``) keeps the messages apart.
3. **Split on enumerations**: a ``<*>`` position that takes at most :data:`FEW_WORDS` plain words in a
   cluster (``stored as bytes`` / ``stored as values``) is taken as part of the template.

Examples
--------
>>> from logframe.patterns import mine_templates
>>> mine_templates(["Connection to 10.0.0.1:5432 failed after 3 retries",
...                 "Connection to 10.0.0.7:5432 failed after 12 retries",
...                 "User alice logged in"])["template"].to_list()
['Connection to <*> failed after <*> retries', 'Connection to <*> failed after <*> retries', 'User alice logged in']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

WILDCARD = "<*>"

SIMILARITY = 0.7
"""Share of a template's constant tokens a message must share to join it."""

DEPTH = 2
"""Leading tokens (besides the token count) that key a leaf; tokens with digits or ``<*>`` count as ``<*>``."""

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

_MASKS: tuple[tuple[str, str], ...] = (
    (r"(?i)\b[a-z][a-z0-9+.\-]*://\S+", WILDCARD),  # URLs
    (_DATE, WILDCARD),  # dates written out: "Sun Jul 10", "Jul 10"
    (r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'", WILDCARD),  # quoted strings
    (r"(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", WILDCARD),  # UUIDs
    (r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b", WILDCARD),  # IPv4 with optional port
    (r"(?i)\b0x[0-9a-f]+\b", WILDCARD),  # hex literals
    (r"(?i)\b[0-9a-f]*\d[0-9a-f]*[a-f][0-9a-f]*\b|\b[0-9a-f]*[a-f][0-9a-f]*\d[0-9a-f]*\b", WILDCARD),  # hex with digits
    (r"(?:^|\s)/\S*", " " + WILDCARD),  # absolute paths
    (r"=[^\s,;]+", "=" + WILDCARD),  # key=value values
    (r"(?i)\b(?:true|false)\b", WILDCARD),  # boolean literals: always the value of some flag
    (r"-?\d+(?:\.\d+)?", WILDCARD),  # numbers, also inside identifiers
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
    masked = messages
    for pattern, replacement in _MASKS:
        masked = masked.str.replace_all(pattern, replacement)
    return masked.str.replace_all(r"(?:<\*>)+", WILDCARD).str.replace_all(r"\s+", " ").str.strip_chars()


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
        path = tuple(WILDCARD if WILDCARD in t or any(c.isdigit() for c in t) else t for t in tokens[: self.settings.depth])
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


def cluster_masked(distinct: list[str], settings: Settings | None = None) -> tuple[list[int], list[str]]:
    """Cluster distinct masked messages: each one's template id, and the templates.

    Parameters
    ----------
    distinct
        Masked messages (see :func:`mask`), each once; earlier ones seed the templates.
    settings
        The clustering parameters (:class:`Settings`; its defaults unless given).

    Returns
    -------
    tuple[list[int], list[str]]
        The template id of every input, in order, and the templates indexed by id.

    Examples
    --------
    >>> cluster_masked(["job <*> done in <*>s", "job <*> failed", "job <*> done in <*>ms"])
    ([0, 1, 0], ['job <*> done in <*>', 'job <*> failed'])
    """
    tree = _Tree(settings or Settings())
    assigned = [tree.add(text.split(" ") if text else []) for text in distinct]
    return _split_word_variables(distinct, assigned, tree.clusters, tree.settings.few_words)


def _split_word_variables(
    distinct: list[str], assigned: list[_Cluster], clusters: list[_Cluster], few_words: int
) -> tuple[list[int], list[str]]:
    """Split clusters on positions that take only a few plain words (``bytes``/``values``, states).

    Such words (no digits, not masked) are more often an enumeration that belongs to the template
    (``stored as bytes`` / ``stored as values``, ``from RUNNING to SUCCEEDED``) than a variable;
    a position with more distinct words (user names) stays ``<*>``.
    """
    members: dict[int, list[list[str]]] = {}
    for text, cluster in zip(distinct, assigned, strict=True):
        members.setdefault(cluster.ident, []).append(text.split(" ") if text else [])
    split_positions: dict[int, list[int]] = {}
    for cluster in clusters:
        rows = members.get(cluster.ident, [])
        positions = []
        for i, token in enumerate(cluster.tokens):
            if token != WILDCARD or len(rows) < 2:
                continue
            values = {row[i] for row in rows}
            if len(values) <= few_words and all(v.isalpha() for v in values):
                positions.append(i)
        split_positions[cluster.ident] = positions
    keys: dict[tuple[int, tuple[str, ...]], int] = {}
    names: list[str] = []
    ids = []
    for text, cluster in zip(distinct, assigned, strict=True):
        tokens = text.split(" ") if text else []
        positions = split_positions[cluster.ident]
        key = (cluster.ident, tuple(tokens[i] for i in positions))
        if key not in keys:
            keys[key] = len(names)
            filled = list(cluster.tokens)
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
    frame = pl.DataFrame({"masked": series.cast(pl.String)}).with_columns(pl.col("masked").pipe(mask))
    distinct = frame.select(pl.col("masked").drop_nulls().unique(maintain_order=True)).to_series().to_list()
    ids, names = cluster_masked(distinct, settings)
    lookup = pl.DataFrame(
        {"masked": distinct, "template_id": ids}, schema={"masked": pl.String, "template_id": pl.UInt32}
    )
    templates = pl.DataFrame(
        {"template_id": list(range(len(names))), "template": names},
        schema={"template_id": pl.UInt32, "template": pl.String},
    )
    return (
        frame.join(lookup, on="masked", how="left", maintain_order="left")
        .join(templates, on="template_id", how="left", maintain_order="left")
        .select("template_id", "template")
    )


def summarise(lf: pl.LazyFrame) -> pl.DataFrame:
    """Templates of the records' messages with counts, time span, counts by level and an example.

    One streaming pass groups the records by masked message (few distinct values); only those are
    clustered, then rolled up per template. Most frequent template first.
    """
    from logframe.schema import LEVELS

    by_level = [(pl.col("level") == level).sum().cast(pl.UInt32).alias(level) for level in LEVELS]
    per_masked = (
        lf.filter(pl.col("message").is_not_null())
        .group_by(mask(pl.col("message")).alias("masked"))
        .agg(
            pl.len().cast(pl.UInt32).alias("count"),
            pl.col("timestamp").min().alias("first_seen"),
            pl.col("timestamp").max().alias("last_seen"),
            pl.col("message").first().alias("example"),
            *by_level,
        )
        .sort("first_seen", "masked", nulls_last=True)
        .collect(engine="streaming")
    )
    ids, names = cluster_masked(per_masked["masked"].to_list())
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
