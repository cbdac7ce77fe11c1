"""Fields: what each document is, and the data read from it, validated, with confidence and
provenance (page, box, raw text), so a citizen's data can be reused without asking twice."""
