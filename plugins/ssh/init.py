"""ssh plugin: sshd in the job container, job-wide keys, peer entries, ssh barrier.

Peers come from the runtime env the framework plugin exports:
``PAI_TASK_ROLE_INSTANCES`` (or OpenPAI's ``PAI_TASK_ROLE_LIST`` +
``PAI_TASK_ROLE_TASK_COUNT_<role>``), ``PAI_HOST_IP_<role>_<i>`` and
``PAI_PORT_LIST_<role>_<i>_ssh``; this container's port is ``PAI_CONTAINER_SSH_PORT``.
Everything that depends on the user's image
(sshd present, host keys, starting sshd, the barrier) runs there through ``start.sh`` and
``barrier.sh``; this step only writes configuration and checks parameters.
"""

from __future__ import annotations

from pai_runtime import plugin_api
from pai_runtime.plugin_api import platform_name, q


def safe_name(text: str) -> str:
    """A role or port name as part of a variable name, as the framework plugin writes it."""
    out = "".join(c if (c.isascii() and c.isalnum()) or c == "_" else "_" for c in str(text))
    return out if out and not out[0].isdigit() else f"_{out}"

KEY_PREFIXES = ("ssh-", "ecdsa-", "sk-ssh-", "sk-ecdsa-")


def first_port(value: str | None) -> int | None:
    if not value:
        return None
    head = value.split(",")[0].strip()
    return int(head) if head.isdigit() and 0 < int(head) < 65536 else None


def task_list(inp: plugin_api.PluginInput) -> list[tuple[str, int]]:
    """(framework role, index) of every task: ``PAI_TASK_ROLE_INSTANCES`` ("role:0,role:1",
    what our framework plugin exports), else OpenPAI's ``PAI_TASK_ROLE_LIST`` +
    ``PAI_TASK_ROLE_TASK_COUNT_<role>``."""
    instances = inp.getenv("PAI_TASK_ROLE_INSTANCES")
    out: list[tuple[str, int]] = []
    if instances:
        for item in instances.split(","):
            role, sep, idx = item.strip().rpartition(":")
            if not sep or not role or not idx.isdigit():
                plugin_api.fail(f"PAI_TASK_ROLE_INSTANCES has a bad entry {item!r}",
                                hint="the framework plugin's runtime env is inconsistent", code=248)
            out.append((role, int(idx)))
        return out
    for role in [r for r in (inp.getenv("PAI_TASK_ROLE_LIST") or "").split(",") if r]:
        count_text = inp.getenv(f"PAI_TASK_ROLE_TASK_COUNT_{safe_name(role)}") or "0"
        if not count_text.isdigit():
            plugin_api.fail(f"PAI_TASK_ROLE_TASK_COUNT_{role}={count_text!r} is not a number",
                            hint="the framework plugin's runtime env is inconsistent", code=248)
        out.extend((role, i) for i in range(int(count_text)))
    return out


def peers(inp: plugin_api.PluginInput, default_port: int) -> list[tuple[list[str], str, int, str]]:
    """(aliases, host, port, role) of every task; empty without a framework env. Role names
    are shown in the job config's spelling (``inp.task_roles``, from the plugin input)."""
    out = []
    for role, i in task_list(inp):
        r = safe_name(role)
        name = inp.role(role) or role
        host = inp.getenv(f"PAI_HOST_IP_{r}_{i}")
        if not host:
            plugin_api.fail(f"no address for task {name}-{i} (PAI_HOST_IP_{r}_{i} is not set)",
                            hint="run the framework/barrier init plugins before runtime plugins", code=248)
        port = first_port(inp.getenv(f"PAI_PORT_LIST_{r}_{i}_ssh")) or default_port
        aliases = [f"{name}-{i}"]
        if platform_name(name) != name:
            aliases.append(f"{platform_name(name)}-{i}")
        out.append((aliases, host, port, name))
    return out


def my_port(inp: plugin_api.PluginInput) -> int:
    if "port" in inp.parameters:
        return int(inp.parameters["port"])
    for key in ("PAI_CONTAINER_SSH_PORT",):
        p = first_port(inp.getenv(key))
        if p:
            return p
    role = inp.getenv("FC_TASKROLE_NAME") or (platform_name(inp.task_role) if inp.task_role else None)
    if role is not None and inp.task_index is not None:
        p = first_port(inp.getenv(f"PAI_PORT_LIST_{safe_name(role)}_{inp.task_index}_ssh"))
        if p:
            return p
    return 22


def user_keys(value: str) -> str:
    keys = [ln.strip() for ln in value.splitlines() if ln.strip()]
    for k in keys:
        if not k.startswith(KEY_PREFIXES):
            plugin_api.fail(f"parameter userssh.value: {k[:20]!r}... is not an ssh public key",
                            hint="paste the one line of your ~/.ssh/id_ed25519.pub (or id_rsa.pub)")
    return "".join(k + "\n" for k in keys)


def conf_path(path: str, *, tokens: bool = False) -> str:
    """A path as one ssh(d)_config argument: double-quoted (a work dir may hold spaces),
    ``%`` doubled where OpenSSH expands %-tokens (AuthorizedKeysFile, IdentityFile)."""
    if '"' in path or "\n" in path:
        plugin_api.fail(f"the runtime dir {path!r} cannot be written in an ssh config (it holds a quote or newline)",
                        hint="use a PAI_WORK_DIR without quotes or line breaks", code=248)
    return '"' + (path.replace("%", "%%") if tokens else path) + '"'


def sshd_config(d: str, port: int) -> str:
    return "\n".join([
        "# Generated by the pai-runtime ssh plugin.",
        f"Port {port}",
        f"HostKey {conf_path(d + '/host/ssh_host_ed25519_key')}",
        f"AuthorizedKeysFile {conf_path(d + '/authorized_keys', tokens=True)}",
        f"PidFile {conf_path(d + '/sshd.pid')}",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin prohibit-password",
        "PubkeyAuthentication yes",
        "PermitUserEnvironment yes",  # ~/.ssh/environment: the job's env in ssh sessions (OpenPAI)
        # The work dir is a shared volume (an emptyDir is mode 0777): sshd's ownership
        # checks of the key file's path would always refuse it.
        "StrictModes no",
        "UsePAM no",
        "PrintMotd no",
        "Subsystem sftp internal-sftp",
        "",
    ])


def user_extension(inp: plugin_api.PluginInput) -> dict:
    """OpenPAI's mounted user extension secrets (``userExtensionSecrets.yaml`` in
    ``PAI_USER_EXTENSION_SECRET_DIR``, default ``$PAI_WORK_DIR/user-extension-secrets``):
    ``jobSSH: {key, pubKey}`` (the job key pair OpenPAI's rest-server generates for every
    job) and ``sshKeys: [{value}]`` (the user's profile keys). Read only: the mount is
    read-only and other containers read it too. Absent = empty."""
    d = inp.getenv("PAI_USER_EXTENSION_SECRET_DIR") or (
        (inp.getenv("PAI_WORK_DIR") or "/usr/local/pai") + "/user-extension-secrets")
    path = d + "/userExtensionSecrets.yaml"
    data = plugin_api.read_yaml(path, "user extension secrets")
    if data is None:
        return {}
    if not isinstance(data, dict):
        plugin_api.fail(f"{path}: user extension secrets must be a mapping",
                        hint="OpenPAI writes jobSSH: {key, pubKey} and sshKeys: [...] there")
    return data


def job_key_pair(ext: dict) -> tuple[str, str] | None:
    pair = ext.get("jobSSH")
    if pair is None:
        return None
    if not isinstance(pair, dict) or not isinstance(pair.get("key"), str) or not isinstance(pair.get("pubKey"), str):
        plugin_api.fail("userExtensionSecrets.yaml jobSSH must have the strings key and pubKey",
                        hint="the job key pair as OpenPAI's rest-server writes it")
    return pair["key"], pair["pubKey"]


def profile_keys(ext: dict) -> str:
    """The user's profile keys (``sshKeys[].value``), one per line."""
    keys = ext.get("sshKeys") or []
    if not isinstance(keys, list):
        plugin_api.fail("userExtensionSecrets.yaml sshKeys must be a list of {title, value}")
    return "".join(str(k.get("value")).strip() + "\n" for k in keys
                   if isinstance(k, dict) and str(k.get("value") or "").strip())


def main() -> None:
    inp = plugin_api.load()
    p = dict(inp.parameters)
    ext = user_extension(inp)
    pair = job_key_pair(ext)
    if pair is not None and "privateKey" not in p and "publicKey" not in p:
        p["privateKey"], p["publicKey"] = pair  # OpenPAI's job key pair, from its mounted secret
    if "userssh" in p and not str(p["userssh"].get("value") or "").strip():
        p["userssh"] = dict(p["userssh"], value="")
    if (inp.getenv("GANG_ALLOCATION") or "true").lower() == "false" and p.get("jobssh", True):
        # OpenPAI: without gang allocation the tasks may never run together
        print("ssh: jobssh is off because the job has no gang allocation (GANG_ALLOCATION=false), as in OpenPAI")
        p["jobssh"] = False
        p["sshbarrier"] = False
        if "userssh" not in p:
            print("ssh: nothing to do (no userssh key and jobssh off)")
            return
    jobssh = p.get("jobssh", True)
    if p.get("sshbarrier", False) and not jobssh:
        plugin_api.fail("sshbarrier needs jobssh: the barrier logs in to every task with the job key",
                        hint="set jobssh: true (or drop sshbarrier)")
    if not jobssh and "userssh" not in p:
        plugin_api.fail("jobssh is false and no userssh key is given: nobody could log in",
                        hint="set jobssh: true or give userssh: {type: custom, value: YOUR_PUBLIC_KEY}")
    if ("privateKey" in p) != ("publicKey" in p):
        plugin_api.fail("parameters privateKey and publicKey must be given together",
                        hint="put both halves of the job key pair in secrets")
    keys = user_keys(p["userssh"]["value"]) if "userssh" in p else ""
    if "userssh" in p:  # OpenPAI adds the user's profile keys to userssh's
        keys += user_keys(profile_keys(ext))
    port = my_port(inp)
    peer_list = peers(inp, port)
    if jobssh and len(peer_list) > 1 and "privateKey" not in p and "jobssh" not in p and "userssh" in p \
            and not p.get("sshbarrier", False):
        # OpenPAI's default: {userssh: ...} alone means "let me in", not job-wide ssh
        jobssh = False
        print("ssh: jobssh off: no job key pair in privateKey/publicKey for this several-task job "
              "(set jobssh: true with the key pair in secrets for ssh between tasks)")
    if jobssh and len(peer_list) > 1 and "privateKey" not in p:
        plugin_api.fail("a job with several tasks needs one job key pair shared by every task",
                        hint="generate one (ssh-keygen -t ed25519 -N '' -f jobkey), put it in secrets and set "
                             "privateKey/publicKey to <% $secrets... %> references")
    d = str(inp.runtime_out_dir)
    inp.out_file("sshd_config", sshd_config(d, port))
    if "privateKey" in p:
        inp.out_file("jobkey", p["privateKey"].strip() + "\n", 0o600)
        inp.out_file("jobkey.pub", p["publicKey"].strip() + "\n", 0o644)
    inp.out_file("user_keys", keys)
    inp.out_file("jobssh", "1\n" if jobssh else "0\n")
    entries = []
    identity = conf_path(d + "/jobkey", tokens=True)
    for aliases, host, peer_port, _ in peer_list:
        entries += [f"Host {' '.join(aliases)}", f"  HostName {host}", f"  Port {peer_port}",
                    f"  IdentityFile {identity}", "  IdentitiesOnly yes", "  StrictHostKeyChecking no",
                    "  UserKnownHostsFile /dev/null", "  LogLevel ERROR", ""]
    inp.out_file("ssh_config", "\n".join(entries))
    for name in ("start.sh", "barrier.sh"):
        inp.out_file(name, (inp.plugin_dir / name).read_text(encoding="utf-8"), 0o755)
    inp.pre(f"sh {q(d + '/start.sh')} {q(d)}")
    if p.get("sshbarrier", False):
        wanted = p.get("sshbarrierTaskroles")
        if wanted:
            for r in wanted:
                if peer_list and not any(platform_name(r) == platform_name(role) for _, _, _, role in peer_list):
                    plugin_api.fail(f"parameter sshbarrierTaskroles: task role {r!r} not found",
                                    hint=f"available roles: {', '.join(sorted({x[3] for x in peer_list}))}")
        targets = [a[0] for a, _, _, role in peer_list
                   if not wanted or any(platform_name(r) == platform_name(role) for r in wanted)]
        seconds = max(1, round(float(p.get("sshbarrierTimeout", 30)) * 60))
        inp.pre(f"sh {q(d + '/barrier.sh')} {q(d)} {seconds} " + " ".join(q(t) for t in targets))
    print(f"ssh: sshd on port {port}, {len(peer_list)} task(s) in ~/.ssh/config"
          + (", ssh barrier on" if p.get("sshbarrier") else ""))


if __name__ == "__main__":
    main()
