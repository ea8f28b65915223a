"""The HTTP API: the app (``app``), requests (``requests``), the render pool (``pool``)
and service (``render_service``), the article cache, problem+json, the access log,
named rule sets and the uvicorn server (``server``).
"""
