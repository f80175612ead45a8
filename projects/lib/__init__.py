"""Pure helpers, each with a table test: money (元/万元), dates. No models, no views."""
