"""Placement: the solver (``solver``), the table of named checks that allow or reject
a gap (``checks``), unit facts (``units``), spacing (``spacing``) and the rule
violations a plan is verified against (``violations``).
"""
