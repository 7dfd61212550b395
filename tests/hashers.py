"""A cheap Argon2 for the tests: the same algorithm and stored format, tiny costs.

Production hashes with Argon2 at Django's default costs (about 100 MiB and two
passes, 0.3-1 s a password on the test machine); the demo alone sets thirteen
passwords and many tests sign people in. Tests check what is done with a
password (refused, changed, reset, locked out), not how hard it is to crack,
so they use Argon2 at its smallest costs; tests/accounts/test_passwords.py
checks that the production settings still put full-cost Argon2 first.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 8  # KiB, argon2's minimum for one lane
    parallelism = 1
