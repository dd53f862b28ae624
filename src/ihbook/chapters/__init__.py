"""One module per chapter (named after it) holding that chapter's computations, plus the
chapter-specific engines (triage, kwic) and the briefing. Notebooks call these; the analysis
a student should see stays in the notebook.
"""
