"""``layout gift mint`` and ``layout gift check``: a subscriber's gift link of one article,
made and checked with the rules' gift allowance and the engine's signing secret
(``LAYOUT_METER_SECRET``; the development secret for local use, as the CLI meters)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from layout.access.gift import GiftRefused, check_gift, mint_gift
from layout.access.meter import utc_now
from layout.access.secret import resolve_meter_secret
from layout.cli_output import fail, guarded
from layout.rules import RuleSet, load_rules

gift_app = typer.Typer(help="Gift links: a subscriber's token that opens one article.",
                       no_args_is_help=True)
RulesOpt = Annotated[
    Path | None, typer.Option("--rules", help="Rule file (YAML or JSON); default: built-in.")
]


def _rules_and_secret(rules: Path | None) -> tuple[RuleSet, bytes]:
    ruleset = guarded(lambda: load_rules(rules, development=True))
    secret = guarded(lambda: resolve_meter_secret(ruleset, None, True))
    assert secret is not None  # development mode always has one
    return ruleset, secret


@gift_app.command()
def mint(
    article_id: Annotated[str, typer.Argument(help="The article to give.")],
    issuer: Annotated[str, typer.Option("--issuer", help="The subscriber's id.")],
    previous: Annotated[str | None, typer.Option(
        "--previous", help="The issuer's last gift token: its count goes on.")] = None,
    rules: RulesOpt = None,
) -> None:
    """Make a gift link's token; prints it with its expiry and number as JSON."""
    ruleset, secret = _rules_and_secret(rules)
    gifts = ruleset.paywall.gifts
    try:
        token, gift = mint_gift(article_id, issuer, secret=secret, now=utc_now(),
                                days=gifts.days, per_month=gifts.per_month, previous=previous)
    except GiftRefused as refused:
        fail([str(refused)])
    typer.echo(json.dumps({"token": token, "article_id": article_id,
                           "expires": gift.expires_at().isoformat(), "number": gift.number,
                           "remaining": gifts.per_month - gift.number}))


@gift_app.command()
def check(
    token: Annotated[str, typer.Argument(help="The gift token.")],
    article_id: Annotated[str, typer.Argument(help="The article it should open.")],
    rules: RulesOpt = None,
) -> None:
    """Whether the token opens the article now: exit 0 if it does, 1 if not, and why."""
    _, secret = _rules_and_secret(rules)
    gift, reason = check_gift(token, article_id, secret=secret, now=utc_now())
    typer.echo(f"{'valid' if gift else 'no gift'}: {reason}")
    raise typer.Exit(0 if gift else 1)
