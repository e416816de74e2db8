"""Reading a whole workbook: discovery, per-file validation, cross-references."""
