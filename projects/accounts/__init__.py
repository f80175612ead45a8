"""Accounts and organizations: who signs in, and the tree of bureau, departments and units."""
