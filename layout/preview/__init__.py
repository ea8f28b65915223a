"""``layout preview``: a local web app that shows layouts in device frames, with an
explain overlay, stub creatives and live reload. Everything is served from loopback."""
