"""The version, apart from the package's public surface so that any layer can read it cheaply."""

__version__ = "0.1.0"
