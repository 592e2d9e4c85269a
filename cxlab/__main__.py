import sys

from cxlab.cli import main

sys.exit(main())
