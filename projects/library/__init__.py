"""The indicator library (指标库): entries a filler picks to fill a row.

The models are indicators.LibraryEntry / LibraryTag (indicators/ holds no code that needs projects);
everything else lives here: `values` (pure helpers), `search` (scoping and the typeahead query),
`services` (the only writer of entries), `seed`, `exchange` (xlsx import/export), `views`.
"""
