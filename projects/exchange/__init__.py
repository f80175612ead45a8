"""Forms in and out of perfgoals: Excel, published text, and later the 一体化 format."""
