"""Accounts: people, their roles and their care teams."""
