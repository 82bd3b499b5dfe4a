"""pytest plugin: fixtures for a running emulator and a client bound to it."""
