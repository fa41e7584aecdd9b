from interpreter.commands.cli import main

raise SystemExit(main())
