"""PDF writing: the invisible text layer and the searchable copy of a document."""
