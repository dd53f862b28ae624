"""The site layer: the Sphinx extension, generated pages (data, glossary, bibliography), the
student edition and the table of contents reader.
"""
