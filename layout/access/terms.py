"""Which terms the paywall sets for one article and reader: the first access rule whose
conditions hold (``paywall.rules``, in order), or the paywall's own mode, preview and
meter. A pure function of the article, the reader, the rules and the time; the access
decision (``policy``) reads its answer, and the plan says which rule it was and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from layout.article import Article
from layout.rules import AccessWhen, Meter, Paywall, Preview
from layout.rules.paywall import Mode, WallVariant
from layout.viewer import Viewer


@dataclass(frozen=True)
class AccessTerms:
    mode: Mode
    preview: Preview
    meter: Meter
    wall: WallVariant | None  # the wall the rule names; None: the mode's own
    rule: str | None  # the access rule that applies; None: the paywall's own terms
    reason: str


def effective_mode(article: Article, paywall: Paywall) -> Mode:
    """Without an access rule, per-article access wins: free stays free, premium is
    hard-walled."""
    if article.access == "free" or paywall.mode == "free":
        return "free"
    if article.access == "premium":
        return "hard"
    return paywall.mode


def access_terms(article: Article, viewer: Viewer, paywall: Paywall,
                 now: datetime) -> AccessTerms:
    """The terms for this article and reader. An article marked free is free whatever
    the rules say: the editor said so."""
    for rule in paywall.rules:
        reason = _holds(rule.when, article, viewer, now)
        if reason is None:
            continue
        mode: Mode = "free" if article.access == "free" else rule.mode
        return AccessTerms(mode, rule.preview or paywall.preview, rule.meter or paywall.meter,
                           rule.wall, rule.name, reason)
    return AccessTerms(effective_mode(article, paywall), paywall.preview, paywall.meter, None,
                       None, f"no access rule applies; the article is {article.access}")


def _holds(when: AccessWhen, article: Article, viewer: Viewer, now: datetime) -> str | None:
    """Why the conditions hold, or None when one does not."""
    reasons: list[str] = []
    if when.audiences:
        if viewer.audience not in when.audiences:
            return None
        reasons.append(f"the reader is {viewer.audience}")
    if when.access:
        if article.access not in when.access:
            return None
        reasons.append(f"the article is {article.access}")
    section = article.section or ""
    if when.sections:
        if section not in when.sections:
            return None
        reasons.append(f"section {section}")
    if when.exclude_sections:
        if section in when.exclude_sections:
            return None
        reasons.append(f"section {section or '(none)'} is not excluded")
    if when.tags:
        tags = sorted(set(when.tags) & set(article.tags))
        if not tags:
            return None
        reasons.append(f"tag {tags[0]}")
    if when.published_within_hours is not None:
        age = _age_hours(article, now)
        if age is None or not 0 <= age < when.published_within_hours:
            return None  # a date in the future is no sign of news just out
        reasons.append(f"published {age:.1f} h ago (within {when.published_within_hours:g})")
    return ", ".join(reasons) or "it applies to every article"


def _age_hours(article: Article, now: datetime) -> float | None:
    if article.published is None:
        return None
    published = article.published
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    current = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    return (current - published).total_seconds() / 3600
