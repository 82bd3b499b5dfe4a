"""``sambastudio doctor``: check a real SambaStudio against the SDK's wire contract.

Most management paths of the route table are assumed (docs/real-hosts.md). The doctor
finds where a host really serves each operation, from its own API description and by
probing the known path families, and says which overrides a routes file needs.
"""

from sambastudio.doctor._report import Check, DoctorReport, OperationCheck
from sambastudio.doctor._run import run_doctor

__all__ = ["Check", "DoctorReport", "OperationCheck", "run_doctor"]
