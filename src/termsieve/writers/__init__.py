"""Writers of extraction results and glossaries, chosen by format name or extension in one registry."""
