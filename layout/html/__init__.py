"""The trust boundary: untrusted markup in, markup safe to show out.

``sanitize`` (nh3's allowlists, text hygiene), ``repair`` (content-model passes),
``frames`` (the frame policy) with ``providers`` (the embed providers), ``markup``
(lxml helpers), ``urls`` and ``values`` (reading URLs and numbers without raising).
"""
