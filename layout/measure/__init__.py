"""Per block and device: words, characters, estimated heights (``sizes``), device
profiles (``devices``) and the gaps between blocks (``gaps``).
"""
