"""``layout check``: golden plans (``check``, ``reports``), impact reports between
rule versions (``impact``) run locally or on Dask (``parallel``), and finding
articles (``discover``).
"""
