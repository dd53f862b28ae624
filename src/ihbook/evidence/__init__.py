"""The evidence layer: sources, their normalized text, the claims ledger, units, conflicts,
quotes and the table registry. Nothing here draws or renders; chapters and the site build on it.
"""
