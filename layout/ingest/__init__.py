"""Input to an Article: files and request bodies (``sources``), body HTML walked into
blocks (``body``, ``walker``, ``blocks``) and third-party media (``embeds``).
"""
