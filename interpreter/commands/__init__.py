"""The `interpreter` command: the argument parser, one module per subcommand."""
