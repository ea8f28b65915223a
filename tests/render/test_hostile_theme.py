"""A theme cannot leak gated text: a theme whose every template prints everything it can
reach (the article, the plan, each block and unit, the context's other values) renders
every gated sample for every viewer, as page, fragment and plan, and no hidden block's
text comes out for a reader who is not entitled to it; one that tries to climb out of its
context (``__class__``, ``__globals__``) fails with the theme error, and no canary."""

from __future__ import annotations

import html as htmllib
from pathlib import Path

import pytest

from layout import Engine
from layout.errors import ConfigError
from layout.measure.sizes import block_text
from layout.render.renderer import BLOCK_TEMPLATES, default_theme_dir
from tests.conftest import report
from tests.test_leak_matrix import GATED, NOW, READERS, entitled

# Everything a page or fragment template is given, printed whole and walked into.
EVERYTHING = """
{{ article.model_dump() }}
{% for block in article.blocks %}{{ block.model_dump() }}{% endfor %}
{{ plan }}
{% for item in plan.items %}{{ item }}{% endfor %}
{{ plan.article.model_dump() }} {{ plan.paywall }} {{ plan.metrics }} {{ plan.decisions }}
{% for unit in plan.units %}{{ unit.data }}{% endfor %}
{{ viewer }} {{ page }} {{ paywall }} {{ ad_config }} {{ ad_library }}
{{ body }}
{{ gated_body }}
"""
# What a block or unit template is given.
PIECE = "{{ article.model_dump() }} {{ block is defined and block.model_dump() }} " \
        "{{ unit is defined and unit }} {{ wall is defined and wall }} " \
        "{{ paywall is defined and paywall }}\n"
CLIMBS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ article.__dict__ }}",
    "{{ plan.__class__ }}",
    "{{ article.blocks.append(article.blocks[0]) }}",
]


def _theme(folder: Path, page_extra: str = "") -> Path:
    """A theme overriding every template of the default theme with one that dumps."""
    for template in default_theme_dir().rglob("*.j2"):
        name = template.relative_to(default_theme_dir()).as_posix()
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if name == "page.html.j2":
            text = f"<!DOCTYPE html><html><body>{page_extra}{EVERYTHING}</body></html>\n"
        elif name == "article.html.j2":
            text = f"<article>{EVERYTHING}</article>\n"
        elif name.startswith(("blocks/_", "page.css")):
            text = template.read_text(encoding="utf-8")  # macros and the stylesheet
        else:
            text = PIECE
        target.write_text(text, encoding="utf-8")
    assert set(BLOCK_TEMPLATES.values()) <= {
        p.relative_to(folder).as_posix() for p in folder.rglob("*.j2")
    }
    return folder


def _searchable(text: str) -> str:
    """The output as a search sees it: entities decoded, the escapes of Python's repr
    undone, whitespace collapsed."""
    text = htmllib.unescape(htmllib.unescape(text))
    text = text.replace("\\n", " ").replace("\\'", "'").replace('\\"', '"')
    return " ".join(text.split())


def test_a_theme_that_prints_all_it_can_reach_leaks_nothing(tmp_path: Path) -> None:
    engine = Engine(templates=_theme(tmp_path))
    renders = checked = 0
    leaks: list[str] = []
    missing: list[str] = []
    for source, article_id in GATED:
        article = source.load()
        canary = f"canary-{article_id}"
        for reader in READERS:
            may_read = entitled(article.access, reader.name)
            viewer = reader.viewer_for(article.id)
            plan = engine.plan(article, viewer, now=NOW)
            hidden = [" ".join(block_text(block).split())
                      for block in article.blocks[plan.visible_blocks:]]
            for fmt in ("html", "fragment", "json"):
                result = engine.render(article, viewer, fmt, now=NOW)
                output = _searchable(result.html + str(result.plan))
                renders += 1
                where = f"{source.name} / {reader.name} / {fmt}"
                if may_read:
                    if fmt != "json" and canary not in output:
                        missing.append(where)
                    continue
                for text in [canary, *(t for t in hidden if len(t) >= 12)]:
                    checked += 1
                    if text in output:
                        leaks.append(f"{where}: {text[:50]!r}")
    report(f"hostile theme: {renders} renders, {checked} hidden texts searched, "
           f"leaks: {len(leaks)}")
    assert checked > 300
    assert leaks == [], "\n".join(leaks[:20])
    assert missing == [], "entitled readers lost the canary:\n" + "\n".join(missing)


@pytest.mark.parametrize("climb", CLIMBS)
def test_a_theme_cannot_climb_out_of_its_context(tmp_path: Path, climb: str) -> None:
    engine = Engine(templates=_theme(tmp_path, page_extra=climb))
    source, article_id = next((s, name) for s, name in GATED if name == "news-harbour-strike")
    article = source.load()
    reader = next(r for r in READERS if r.name == "anon-exhausted")
    with pytest.raises(ConfigError) as raised:
        engine.render(article, reader.viewer, "html", now=NOW)
    assert "theme" in str(raised.value)
    assert f"canary-{article_id}" not in str(raised.value)
    # the article the engine holds is as it was
    assert len(article.blocks) == len(source.load().blocks)
