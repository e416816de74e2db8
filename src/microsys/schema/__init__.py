"""Pydantic models of every workbook file, error translation and JSON Schema export."""
