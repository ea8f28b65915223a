"""The paywall: one pure access decision (``policy``), the signed meter (``meter``),
its signing secret (``secret``) and the reader's meter notice (``notice``).
"""
