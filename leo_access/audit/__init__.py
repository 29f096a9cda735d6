"""The security audit log: who signed in, opened what, downloaded what, changed whose permissions.

Kept apart from an application's event log (its decisions and state changes). Both are append-only.
"""
