"""The pages of the performance form, one module per screen family (see projects/urls.py)."""
