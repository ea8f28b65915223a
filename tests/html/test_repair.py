"""Repair passes: each turns a content-model mistake into valid HTML5 and keeps the text."""

from __future__ import annotations

import lxml.html
from lxml import etree

from layout.html.repair import (
    fix_definition_lists,
    fix_empty_links,
    fix_figures,
    fix_images,
    fix_list_items,
    fix_lists,
    fix_row_spans,
    repair_html,
    repair_tree,
)


def parse(html):
    return lxml.html.fragment_fromstring(html, create_parent="div")


def run(repair, html):
    root = parse(html)
    repair(root)
    return root


def text_of(root):
    return "".join("".join(root.itertext()).split())


def keeps_text(repair, html):
    return text_of(run(repair, html)) == text_of(parse(html))


def misplaced_list_items(root):
    """li outside ul/ol/menu, dt/dd outside dl (or a div that is a child of a dl)."""
    wrong = []
    for element in root.iter("li", "dt", "dd"):
        parent = element.getparent()
        if element.tag == "li":
            ok = parent.tag in ("ul", "ol", "menu")
        else:
            grand = parent.getparent()
            ok = parent.tag == "dl" or (
                parent.tag == "div" and grand is not None and grand.tag == "dl"
            )
        if not ok:
            wrong.append(element.tag)
    return wrong


def test_fix_lists_wraps_stray_text_and_elements_in_list_items():
    html = "<ul>intro<li>a</li>mid <b>bold</b><li>b</li>end</ul>"
    lst = run(fix_lists, html).find("ul")
    assert [child.tag for child in lst] == ["li"] * 5
    assert not (lst.text or "").strip()
    assert all(not (li.tail or "").strip() for li in lst)
    assert keeps_text(fix_lists, html)


def test_fix_lists_wraps_a_block_child_of_an_ordered_list():
    html = '<ol start="3"><li>a</li><p>stray para</p></ol>'
    lst = run(fix_lists, html).find("ol")
    assert [child.tag for child in lst] == ["li", "li"]
    assert lst[1][0].tag == "p"
    assert lst.get("start") == "3"
    assert keeps_text(fix_lists, html)


def test_fix_lists_leaves_a_valid_list_alone():
    html = "<ul><li>a</li><li>b</li></ul>"
    assert etree.tostring(run(fix_lists, html), encoding="unicode") == f"<div>{html}</div>"


def test_fix_list_items_turns_orphan_li_into_div():
    html = '<li value="3">Orphan item</li><ul><li>kept</li></ul>'
    root = run(fix_list_items, html)
    assert root[0].tag == "div" and root[0].get("value") is None
    assert root.find("ul/li") is not None
    assert misplaced_list_items(root) == []
    assert keeps_text(fix_list_items, html)


def test_fix_list_items_turns_dt_dd_outside_a_dl_into_divs():
    html = "<div><dt>Term</dt><dd>Definition</dd></div><dd>Orphan definition</dd>"
    root = run(fix_list_items, html)
    assert misplaced_list_items(root) == []
    assert keeps_text(fix_list_items, html)


def test_fix_list_items_keeps_dt_dd_grouped_in_a_div_inside_a_dl():
    root = run(fix_list_items, "<dl><div><dt>a</dt><dd>b</dd></div></dl>")
    assert [el.tag for el in root.iter("dt", "dd")] == ["dt", "dd"]


def test_fix_definition_lists_renames_a_dl_without_dd():
    html = "<dl><dt>Term only</dt><dt>Another</dt></dl>"
    root = run(fix_definition_lists, html)
    assert root.find(".//dl") is None
    assert misplaced_list_items(root) == []
    assert keeps_text(fix_definition_lists, html)


def test_fix_definition_lists_renames_a_dl_with_loose_text():
    html = "<dl>loose<dt>a</dt><dd>b</dd></dl>"
    root = run(fix_definition_lists, html)
    assert misplaced_list_items(root) == []
    assert keeps_text(fix_definition_lists, html)


def test_fix_definition_lists_keeps_a_valid_dl():
    root = run(fix_definition_lists, "<dl><dt>a</dt><dt>b</dt><dd>c</dd></dl>")
    assert [el.tag for el in root.iter("dl", "dt", "dd")] == ["dl", "dt", "dt", "dd"]


def test_fix_definition_lists_leaves_no_dt_dd_outside_a_dl_for_div_groups():
    # <dl><div><dt/><dd/></div></dl> is valid HTML5; whatever the pass does with it, the
    # result must not hold a dt or dd outside a dl.
    html = "<dl><div><dt>a</dt><dd>b</dd></div></dl>"
    root = run(fix_definition_lists, html)
    assert misplaced_list_items(root) == []
    assert keeps_text(fix_definition_lists, html)


def test_fix_figures_renames_a_figcaption_in_the_middle_or_outside_a_figure():
    html = (
        '<figure><img src="a.jpg"><figcaption>mid</figcaption><p>x</p></figure>'
        "<figcaption>outside</figcaption>"
    )
    root = run(fix_figures, html)
    assert root.find(".//figcaption") is None
    assert keeps_text(fix_figures, html)


def test_fix_figures_keeps_only_the_first_edge_caption():
    html = (
        '<figure><figcaption>first</figcaption><img src="a.jpg">'
        "<figcaption>last</figcaption></figure>"
    )
    figure = run(fix_figures, html).find("figure")
    assert [child.tag for child in figure] == ["figcaption", "img", "div"]
    assert keeps_text(fix_figures, html)


def test_fix_images_adds_empty_alt_and_keeps_existing_alt():
    root = run(fix_images, '<img src="a.png"><img src="b.png" alt="B">')
    assert [img.get("alt") for img in root.iter("img")] == ["", "B"]


def test_fix_row_spans_caps_rowspan_at_end_of_row_group():
    html = (
        '<table><tbody><tr><td rowspan="5">a</td><td>b</td></tr><tr><td>c</td></tr></tbody>'
        '<tfoot><tr><td rowspan="2">f</td></tr></tfoot></table>'
    )
    root = run(fix_row_spans, html)
    assert [td.get("rowspan") for td in root.iter("td") if td.get("rowspan")] == ["2", "1"]
    assert keeps_text(fix_row_spans, html)


def test_fix_row_spans_keeps_a_rowspan_that_fits():
    root = run(
        fix_row_spans,
        '<table><tbody><tr><td rowspan="2">a</td></tr><tr><td>b</td></tr></tbody></table>',
    )
    assert root.find(".//td").get("rowspan") == "2"


def test_fix_empty_links_drops_rel_and_hreflang_without_href():
    root = run(
        fix_empty_links, '<a rel="nofollow" hreflang="en">t</a><a href="/y" hreflang="en">u</a>'
    )
    first, second = root.iter("a")
    assert dict(first.attrib) == {}
    assert second.get("hreflang") == "en"


def test_repair_tree_fixes_an_orphan_definition_at_the_top_of_a_body():
    root = repair_tree(parse("<p>Intro</p><dd>Orphan definition</dd>"))
    assert misplaced_list_items(root) == []
    assert text_of(root) == "IntroOrphandefinition"


def test_repair_html_keeps_escaped_markup_in_leading_text_escaped():
    out = repair_html("5 &lt; 6 and &lt;img src=x onerror=alert(1)&gt;")
    assert "<img" not in out
    assert out == "5 &lt; 6 and &lt;img src=x onerror=alert(1)&gt;"


def test_repair_html_keeps_escaped_text_before_an_element():
    out = repair_html("&lt;b&gt; is bold <p>x</p>")
    assert out.startswith("&lt;b&gt; is bold ")
    assert "<b>" not in out


def test_repair_html_round_trips_valid_markup():
    html = '<p>One <a href="https://x.test/">two</a></p><ul><li>three</li></ul>'
    assert repair_html(html) == html
