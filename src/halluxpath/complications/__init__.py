"""Complications: the register of what went wrong after an operation, and recurrence proposals.

The register answers the registry's "at what cost" (issue 13, items 3-4):
each complication is linked to its episode, graded with its system (never
converted) and corrected by amendment, never deleted. Recurrence is proposed
from follow-up films by the site's definition and decided by a surgeon.
The clinical rules are pure Python in ``halluxpath.core.complications``.
"""
