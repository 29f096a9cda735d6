"""Amendments: changes to a live project, reviewed by whoever each change needs, each approval a new version."""
