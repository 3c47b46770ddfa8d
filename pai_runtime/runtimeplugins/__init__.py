"""Runtime plugins users name in their job: the plugin API, discovery, validation, execution.

Why this shape: a runtime plugin turns a few parameters of the user's job into shell
snippets that the job container runs before (``precommands.sh``) and after
(``postcommands.sh``) the user's command. The job container may be any image, so the
*work* of a plugin (reading the job config, checking parameters, writing key files) happens
here in the init container, and only plain POSIX sh reaches the job container.

Contract (docs/plugins.md):

* a plugin is a folder ``<name>/`` with ``desc.yaml`` (``name``, ``description``,
  ``init`` entry, ``parameters`` = JSON schema) in ``layout.plugins_dir`` or in one of the
  ``PAI_PLUGIN_PATH`` dirs (those win over the shipped ones, like ``PATH``);
* ``init: {python: init.py}`` runs with the runtime's own interpreter in isolated mode
  (``-I``: no PYTHONPATH, no user site, no cwd on ``sys.path``) with ``pai_runtime``
  put on ``sys.path`` explicitly; ``init: {exec: ./init.sh}`` runs any executable;
* input: the JSON file named by ``PAI_PLUGIN_INPUT`` (rendered parameters, task role and
  index, job config, the pre/post snippet files to append to, the plugin's output dir);
* output: POSIX sh appended to the pre/post snippet files; files the job container needs
  go into ``PAI_PLUGIN_OUT_DIR`` (``runtime.d/plugins/<instance>/`` in the job container).

Every plugin's parameters are validated against its schema before *any* plugin runs, so
a typo in the third plugin fails init before the first one clones a repository.

Modules: ``api`` (what a plugin imports), ``testing`` (a plugin author's test helper),
``discover``, ``request``, ``validate``, ``run``, ``scripts`` (the machinery, in the order
init uses it), ``cli`` (``pai-runtime plugins``). Submodules are imported only when used.
"""
