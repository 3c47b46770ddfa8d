"""The job model: what an OpenPAI-style job says, independent of where it is read from.

``framework`` decodes a FrameworkController Framework (compressed statuses, task IPs,
readiness); ``env`` turns it into the runtime env (``PAI_*``, ports, torch/TF/MPI/Volcano
contracts); ``roles`` maps job-config task-role names to platform names; ``jobconfig``
finds and reads the job config. Pure logic: no network, no files written.
"""
