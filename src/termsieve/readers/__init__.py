"""Readers of bilingual files, chosen by format name or file extension in one registry.

Public API: `read_corpus(paths, format=None, options=None) -> Corpus`.
"""
