"""The init container's side: ``pai-runtime init`` and ``up``.

``run`` is the init sequence (configs, secrets, the pipeline, the self-copy, publishing
``runtime.d``); ``pipeline`` runs the init plugin spec (plugin protocol, failure policies,
timeouts, the summary); ``context`` is the typed :class:`~pai_runtime.init.context.InitContext`
every built-in receives; ``selfcopy`` copies the runtime into the shared work dir; ``cli``
holds the two click commands.
"""
