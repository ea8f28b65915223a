"""A theme whose every template prints everything it is given: the article, the plan,
each block and unit, the context's other values. Tests render through it to show that
nothing a theme can reach holds a gated block."""

from __future__ import annotations

from pathlib import Path

from layout.render.renderer import BLOCK_TEMPLATES, default_theme_dir

# Everything a page or fragment template is given, printed whole and walked into.
EVERYTHING = """
{{ article.model_dump() }}
{% for block in article.blocks %}{{ block.model_dump() }}{% endfor %}
{{ plan }}
{% for item in plan.items %}{{ item }}{% endfor %}
{{ plan.article.model_dump() }} {{ plan.paywall }} {{ plan.metrics }} {{ plan.decisions }}
{% for unit in plan.units %}{{ unit.data }}{% endfor %}
{{ viewer }} {{ page }} {{ paywall }} {{ ad_config }} {{ ad_libraries }} {{ ad_bootstrap }}
{{ body }}
{{ gated_body }}
"""
# What a block or unit template is given.
PIECE = "{{ article.model_dump() }} {{ block is defined and block.model_dump() }} " \
        "{{ unit is defined and unit }} {{ wall is defined and wall }} " \
        "{{ paywall is defined and paywall }}\n"


def hostile_theme(folder: Path, page_extra: str = "") -> Path:
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
