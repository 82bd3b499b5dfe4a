"""``python -m sambastudio.emulator [flags]``: the same as ``sambastudio emulator serve``."""

from sambastudio.cli._emulator import serve_command

serve_command(prog_name="python -m sambastudio.emulator")
