"""``python -m partenariat``: the command line."""

from partenariat.cli import main

main()
