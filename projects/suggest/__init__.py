"""Suggested indicators (推荐指标): rows of the most similar earlier projects and of the library.

text.py and index.py are pure (character-bigram TF-IDF with an inverted index); models.py keeps
the reference projects (approved forms and imported published forms) with their rows as they
were; services.py is their one writer; engine.py answers a query from a cached index.
"""
