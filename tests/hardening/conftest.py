"""The object-model fixtures (an emulator per flavor, ``client``, ``sent``) serve here too."""

from tests.objects.conftest import _no_user_config, client, clock, data_dir, emulator, sent

__all__ = ["_no_user_config", "client", "clock", "data_dir", "emulator", "sent"]
