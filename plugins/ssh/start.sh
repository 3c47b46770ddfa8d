#!/bin/sh
# ssh plugin, job-container side: host keys, job key, authorized_keys, sshd, ~/.ssh/config.
# usage: start.sh DIR   (DIR = this plugin's runtime dir, written by its init step)
D=$1
die() { echo "ssh: error: $1" >&2; exit "${2:-1}"; }
PATH=$PATH:/usr/sbin:/usr/local/sbin:/sbin
SSHD=$(command -v sshd 2>/dev/null)
[ -n "$SSHD" ] && [ -f "$SSHD" ] || die "openssh-server is not installed in the job image (install it, e.g. apt-get install openssh-server, or remove the ssh plugin)" 127
command -v ssh-keygen >/dev/null 2>&1 || die "ssh-keygen is not installed in the job image (install openssh-client)" 127
umask 077
mkdir -p "$D/host" || die "cannot create $D/host"
for t in ed25519; do
  [ -f "$D/host/ssh_host_${t}_key" ] || ssh-keygen -q -t "$t" -N '' -f "$D/host/ssh_host_${t}_key" </dev/null >/dev/null \
    || die "cannot generate the $t host key"
done
if [ ! -f "$D/jobkey" ]; then
  ssh-keygen -q -t ed25519 -N '' -C pai-job -f "$D/jobkey" </dev/null >/dev/null || die "cannot generate the job key"
  echo "ssh: generated a job key pair for this task"
fi
chmod 600 "$D/jobkey"
if [ "$(cat "$D/jobssh" 2>/dev/null)" = 1 ]; then
  cat "$D/jobkey.pub" "$D/user_keys" > "$D/authorized_keys"
else
  cat "$D/user_keys" > "$D/authorized_keys"
fi
chmod 644 "$D/authorized_keys"
if [ "$(id -u)" = 0 ]; then
  mkdir -p /run/sshd && chmod 755 /run/sshd
fi
# ~/.ssh/environment: the job container's env for every ssh session (sshd_config has
# PermitUserEnvironment yes), as OpenPAI's ssh plugin does, so `mpirun`/`horovodrun` over
# ssh find the image's PATH, LD_LIBRARY_PATH and the PAI_* variables. One managed block,
# replaced on every start; written before sshd listens. Variables of the shell itself
# (HOME, PWD, SHLVL, ...) are left to sshd; a value over several lines cannot be written.
envhome=${HOME:-}
[ -n "$envhome" ] || envhome=$(getent passwd "$(id -u)" 2>/dev/null | cut -d: -f6)
if [ -n "$envhome" ] && mkdir -p "$envhome/.ssh" 2>/dev/null; then
  envf="$envhome/.ssh/environment"
  eb="# >>> pai-runtime ssh plugin >>>"
  ee="# <<< pai-runtime ssh plugin <<<"
  touch "$envf" 2>/dev/null && chmod 600 "$envf" && {
    sed "/^$eb\$/,/^$ee\$/d" "$envf" > "$envf.tmp.$$"
    { cat "$envf.tmp.$$"; echo "$eb"
      env | grep -E '^[A-Za-z_][A-Za-z0-9_]*=' | grep -vE '^(HOME|PWD|OLDPWD|SHLVL|_|USER|LOGNAME|SHELL|MAIL)='
      echo "$ee"; } > "$envf"
    rm -f "$envf.tmp.$$"
  } || echo "ssh: warning: cannot write $envf: ssh sessions get sshd's default environment" >&2
fi
port=$(sed -n 's/^Port //p' "$D/sshd_config")
"$SSHD" -t -f "$D/sshd_config" || die "sshd rejects its configuration $D/sshd_config (see above)"
# sshd detaches before it binds its port and exits 0 either way; it writes its pid file
# only once it listens, so wait for that (a bind failure is in its log).
rm -f "$D/sshd.pid"
: > "$D/sshd.log"
"$SSHD" -f "$D/sshd_config" -E "$D/sshd.log" || die "sshd did not start (see $D/sshd.log)"
i=0
while [ ! -s "$D/sshd.pid" ]; do
  i=$((i + 1))
  if grep -q 'Cannot bind any address' "$D/sshd.log" 2>/dev/null || [ "$i" -gt 150 ]; then
    cat "$D/sshd.log" >&2
    hint="is another process using it?"
    [ "$(id -u)" != 0 ] && [ "$port" -lt 1024 ] && hint="a non-root user can only listen on ports above 1023: set the ssh plugin's port parameter or the task's ssh port"
    die "sshd could not listen on port $port ($hint)"
  fi
  sleep 0.1 2>/dev/null || sleep 1
done
echo "ssh: sshd started on port $port as $(id -un 2>/dev/null || id -u) (log: $D/sshd.log)"
# ~/.ssh/config: one managed block, replaced on every start. In a container $HOME is the
# passwd entry's home (the one ssh reads); without HOME, ask passwd (never assume /root).
home=${HOME:-}
[ -n "$home" ] || home=$(getent passwd "$(id -u)" 2>/dev/null | cut -d: -f6)
[ -n "$home" ] || die "no home directory for uid $(id -u) (no passwd entry and HOME is unset): ssh needs one for ~/.ssh/config"
mkdir -p "$home/.ssh" && chmod 700 "$home/.ssh" || die "cannot create $home/.ssh (is the home directory of $(id -un 2>/dev/null || id -u) writable?)"
cfg="$home/.ssh/config"
begin="# >>> pai-runtime ssh plugin >>>"
end="# <<< pai-runtime ssh plugin <<<"
touch "$cfg" || die "cannot write $cfg"
sed "/^$begin\$/,/^$end\$/d" "$cfg" > "$cfg.tmp.$$" || die "cannot write $cfg.tmp.$$"
{ cat "$cfg.tmp.$$"; echo "$begin"; cat "$D/ssh_config"; echo "$end"; } > "$cfg" || die "cannot write $cfg"
rm -f "$cfg.tmp.$$"
chmod 600 "$cfg"
n=$(grep -c '^Host ' "$D/ssh_config")
echo "ssh: $n task(s) in $cfg"
