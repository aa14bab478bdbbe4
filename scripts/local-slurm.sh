#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for trying `aegis grid submit --slurm` (and for
# measuring it): munged, slurmctld and slurmd as root with a generated slurm.conf in DIR
# (select/cons_tres, the CPUs and memory `slurmd -C` detects). The same set-up as the tests'
# LocalSlurm.swift, which writes its slurm.conf with `config`. Needs root and Debian's slurm-wlm and munge.
# usage: sudo scripts/local-slurm.sh start DIR     then: export SLURM_CONF=DIR/slurm.conf
#        sudo scripts/local-slurm.sh stop DIR
#        scripts/local-slurm.sh config DIR         only writes DIR/slurm.conf (the tests start
#                                                  the daemons themselves, as their children)
set -euo pipefail
cmd=${1:?usage: local-slurm.sh start|stop|config DIR}
dir=$(realpath -m "${2:?usage: local-slurm.sh start|stop|config DIR}")
case "$cmd" in
config)
  host=$(hostname -s)
  port=$((20000 + RANDOM % 20000))
  node=$(/usr/sbin/slurmd -C | grep '^NodeName=' || echo "NodeName=$host CPUs=$(nproc)")
  cat > "$dir/slurm.conf" <<CONF
ClusterName=aegislocal
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
SlurmdParameters=config_overrides
MpiDefault=none
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
$node State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  ;;
start)
  mkdir -p "$dir"/{state,spool,munge} && chmod 700 "$dir" "$dir"/{state,spool,munge}
  head -c 1024 /dev/urandom > "$dir/munge/munge.key" && chmod 400 "$dir/munge/munge.key"
  /usr/sbin/munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed"
  bash "$0" config "$dir"
  export SLURM_CONF="$dir/slurm.conf"
  /usr/sbin/slurmctld -i -f "$SLURM_CONF"
  /usr/sbin/slurmd -f "$SLURM_CONF"
  for _ in $(seq 100); do
    [ "$(sinfo -h -o %T 2>/dev/null)" = idle ] && { echo "Slurm is up: export SLURM_CONF=$SLURM_CONF"; exit 0; }
    sleep 0.3
  done
  echo "the node did not become idle in 30 s; see $dir/slurmctld.log and $dir/slurmd.log" >&2; exit 1 ;;
stop)
  export SLURM_CONF="$dir/slurm.conf"
  scancel --full --user=root 2>/dev/null || true
  for f in slurmd.pid slurmctld.pid munge/munged.pid; do
    [ -f "$dir/$f" ] && kill "$(cat "$dir/$f")" 2>/dev/null || true
  done
  echo "stopped the daemons of $dir" ;;
*) echo "usage: local-slurm.sh start|stop|config DIR" >&2; exit 64 ;;
esac
