"""A plugin that fails while it is imported (a missing dependency, a syntax slip…)."""

raise ImportError("partenariat_broken.import_error: this plugin is broken on purpose")
