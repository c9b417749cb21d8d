"""Importing source files, from bytes on disk to searchable articles.

- `parsers`: pure parsers from bytes to dataclasses, zip expansion, language detection
  (no Django, no I/O, nothing from the app);
- `discovery`: which files a list of paths names, and why some cannot be read (pure);
- `storing`: the service that stores parsed files as articles and source files;
- `indexing`: the indexing worker's service (search vectors, quote suggestions);
- `pool`: running an import in several processes, the one place that touches Django's
  connection internals.

This package's own import runs nothing: the parsers stay importable without Django.
"""
