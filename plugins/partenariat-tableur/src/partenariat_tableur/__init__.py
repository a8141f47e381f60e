"""Spreadsheet exports for partenariat."""
