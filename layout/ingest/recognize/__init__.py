"""The block recognizers: one literal, ordered table of named rules.

Each rule is a pure function of an element and its context (``base.Context``: the
WordPress block it belongs to) that answers block data, a list of blocks, or None when the
element is not its kind. The walk (``ingest.walker``) gives every block-level element to
the rules for its tag, in this order, and the first answer wins; an element no rule reads
is unwrapped (a wrapper) or kept as raw html. So "who decides that a YouTube figure is a
video" has one answer: the ``video-frame`` rule, below.

Order matters where rules overlap: the WordPress-specific and media rules come before the
generic ones that would also accept their element (a pull quote is a quote; an embed's
figure is a figure).
"""

from __future__ import annotations

from typing import Final

from layout.ingest.recognize.base import Context, Recognizer, RecognizerTable, rule
from layout.ingest.recognize.frames import provider_frame, video_frame
from layout.ingest.recognize.images import gallery, image_figure
from layout.ingest.recognize.links import actions, related_link
from layout.ingest.recognize.notes import editor_note
from layout.ingest.recognize.players import audio_player, video_player
from layout.ingest.recognize.quotes import pullquote, quote, social_post
from layout.ingest.recognize.shortcodes import shortcode
from layout.ingest.recognize.tables import table, table_figure
from layout.ingest.recognize.text import heading, listing, preformatted, rule_or_mark
from layout.ingest.recognize.wordpress_blocks import dynamic_block, social_links
from layout.ingest.recognize.wordpress_embed import wordpress_embed

RECOGNIZERS: Final = RecognizerTable([
    rule("wordpress-dynamic", "div", dynamic_block),
    rule("wordpress-embed", "figure div", wordpress_embed),
    rule("video-frame", "iframe figure", video_frame),
    rule("provider-frame", "iframe figure", provider_frame),
    rule("video-player", "video figure", video_player),
    rule("audio-player", "audio figure", audio_player),
    rule("gallery", "figure div ul", gallery),
    rule("table-figure", "figure", table_figure),
    rule("image-figure", "figure", image_figure),
    rule("social-links", "ul", social_links),
    rule("pullquote", "figure blockquote aside", pullquote),
    rule("social-post", "blockquote", social_post),
    rule("quote", "blockquote", quote),
    rule("preformatted", "pre", preformatted),
    rule("heading", "h1 h2 h3 h4 h5 h6", heading),
    rule("list", "ul ol", listing),
    rule("table", "table", table),
    rule("rule", "hr", rule_or_mark),
    rule("actions", "div p", actions),
    rule("shortcode", "p div", shortcode),
    rule("editor-note", "p", editor_note),
    rule("related-link", "p", related_link),
])

__all__ = ["RECOGNIZERS", "Context", "Recognizer", "RecognizerTable"]
