"""Output: the Jinja2 theme (``renderer``), JSON-LD (``structured``), the ad-stack
configuration (``adconfig``) and the readable plan dump (``dump``).
"""
