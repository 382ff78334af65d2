"""``python -m logframe.cli``: the ``logframe`` command."""

from logframe.cli import main

main()
