"""The article as one reader may see it: the blocks before the paywall's cut, and nothing
read from the blocks after it.

Everything a theme's templates reach is built from these views, never from the article a
plan was made from: a page or fragment template gets the reader's article, a block or unit
template the article's metadata alone (the same for every reader, which is what lets one
rendering of a block serve them all). A template cannot print a gated block: there is none
in anything it can reach (and the sandboxed template environment keeps it from reaching
past what it is given).
"""

from __future__ import annotations

from layout.article import Article


def reader_article(article: Article, visible: int) -> Article:
    """The article with only its first ``visible`` blocks, and the ingest reports and the
    teaser mark that concern them; the article itself when every block is visible."""
    if visible >= len(article.blocks):
        return article
    teaser_end = article.teaser_end
    return article.model_copy(update={
        "blocks": list(article.blocks[:visible]),
        "reports": [report for report in article.reports
                    if report.block is not None and report.block < visible],
        "teaser_end": teaser_end if teaser_end is not None and teaser_end <= visible else None,
    })


def article_metadata(article: Article) -> Article:
    """The article's metadata (headline, byline, hero, ...) without any block."""
    return article.model_copy(update={"blocks": [], "reports": [], "teaser_end": None})
