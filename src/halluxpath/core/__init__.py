"""The clinical core: pure functions over dataclasses, no Django and no I/O.

Every surface (pages, API, command line, workers) calls into this package so
that one rule gives one answer everywhere.
"""
