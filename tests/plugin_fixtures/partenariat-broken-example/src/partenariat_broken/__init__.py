"""Deliberately broken partenariat plugins (see README.md): never install in production."""
