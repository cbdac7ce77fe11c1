"""PDF work beside the page reader: the invisible text layer and the searchable copy, the text
annotations show, and the signatures a PDF arrived with."""
