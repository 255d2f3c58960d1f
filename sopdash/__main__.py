"""`python -m sopdash`: the same as the `sopdash` command."""

import sys

from sopdash.cli.main import main

sys.exit(main())
