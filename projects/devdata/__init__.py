"""Development data: the demo season (`load_demo`) and synthetic years (`generate_forms`).

Production code never imports this package (tests/test_architecture.py checks); it is an app only so
that its two management commands exist.
"""
