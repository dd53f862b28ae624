"""ihbook: the code behind 《中国互联网医疗：一本可执行的读本》.

Chapters import from here so that notebooks stay thin: sources and the claims ledger,
conflict detection, charts with provenance captions, quotes, jieba text tools and widgets.
"""

__version__ = "0.1.0"
