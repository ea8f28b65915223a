"""A readable dump of an article's blocks: one line per block, its kind and the fields that
differ from their defaults, for case files to compare."""

from __future__ import annotations

import json

from layout.article import Article


def dump_blocks(article: Article) -> str:
    lines = []
    for block in article.blocks:
        fields = block.model_dump(exclude_defaults=True, exclude={"kind"}, mode="json")
        values = (f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in fields.items())
        parts = [block.kind, *values]
        lines.append(" ".join(parts))
    extra = []
    if article.teaser_end is not None:
        extra.append(f"teaser_end={article.teaser_end}")
    if article.no_ads:
        extra.append("no_ads=true")
    extra.extend(f"report {r.code} at {r.block}" for r in article.reports)
    return "\n".join(lines + extra) + "\n"
