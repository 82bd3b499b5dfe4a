"""``python -m sambastudio.cli``: the ``sambastudio`` command without its script."""

from sambastudio.cli import main

main(prog_name="sambastudio")
