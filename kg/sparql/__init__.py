"""SPARQL handling that every engine shares: the checks a query text passes before it runs.

``kg.sparql.guard`` decides, on the very text an engine will execute, that a query makes no
outbound request and that its lexical form reads the same to every parser kg uses.
"""
