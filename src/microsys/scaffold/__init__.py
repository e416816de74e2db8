"""Scaffolding a new workbook from templates."""
