"""A local SambaStudio-compatible server, for tests and demos without a cluster.

::

    from sambastudio.emulator import Emulator

    with Emulator(port=0, speed=100) as emu:
        ...  # talk to emu.url with emu.access_key; emu.clock.advance(60) moves time on

From a shell: ``sambastudio emulator serve`` or ``python -m sambastudio.emulator``.
"""

from sambastudio.emulator._app import create_app
from sambastudio.emulator._server import Emulator, serve
from sambastudio.emulator._state import Config, EmulatorState

__all__ = ["Config", "Emulator", "EmulatorState", "create_app", "serve"]
