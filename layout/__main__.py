"""``python -m layout`` runs the CLI."""

from layout.cli import main

main()
