"""kg: turn documents into an evidence-backed RDF knowledge graph, offline."""
