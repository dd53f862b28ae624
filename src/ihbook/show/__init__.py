"""The display layer: charts with provenance captions, widgets that work without a kernel,
prose helpers and fonts. It knows how to show evidence, not which evidence a chapter needs.
"""
