"""The application layer: one context per program, a session per open report, operations that say what changed.

No Qt here: the window and the command line both work through these objects.
"""
