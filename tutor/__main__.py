"""`python -m tutor` runs the same entry point as the `backprop-tutor` script."""

import sys

from tutor.cli import main

sys.exit(main())
