#!/usr/bin/env bash
# Side-by-side comparison of Emotive with PyTorch (NCHW and channels_last) and Keras on
# issue 10's workloads: each peer a separate process, interleaved, the same thread count,
# medians over rounds, printed as a Markdown table (BENCHMARKS.md, "Side by side with
# PyTorch and Keras").
#
#   bash Benchmarks/compare.sh --quick                       # try it: 1 round, few steps
#   bash Benchmarks/compare.sh                               # 5 rounds, every workload
#   bash Benchmarks/compare.sh --workloads cbam-train-48,mobilenetv2-train-48 --rounds 3
#   bash Benchmarks/compare.sh --also-unset-openblas-env     # + Emotive with OPENBLAS_CORETYPE
#                                                            #   and OPENBLAS_L2_SIZE unset
#
# Options: --rounds R (5), --threads N (2), --workloads a,b (all), --peers a,b
# (emotive,torch-nchw,torch-channels_last,keras), --quick, --also-unset-openblas-env,
# --out DIR (results and logs; default a new directory under /tmp), --skip-build.
# The Python peers run in a virtual environment outside the repository,
# ${EMOTIVE_PEERS_VENV:-$HOME/.cache/emotive-peers}, created on first use with torch,
# torchvision and tensorflow-cpu from PyPI (about 2.5 GB). Python never runs in Emotive or
# its tests; this script is the only user of the peers.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
venv="${EMOTIVE_PEERS_VENV:-$HOME/.cache/emotive-peers}"
torch_version="${EMOTIVE_PEERS_TORCH:-2.13.0}"
torchvision_version="${EMOTIVE_PEERS_TORCHVISION:-0.28.0}"
tensorflow_version="${EMOTIVE_PEERS_TENSORFLOW:-2.21.0}"

all_workloads="mobilenetv2-train-48,mobilenetv2-train-96,mobilenetv2-train-224,resnet50-train-48,resnet50-train-96,resnet50frozen-train-48,cbam-train-48,mobilenetv2-infer-48"
all_peers="emotive,torch-nchw,torch-channels_last,keras"
rounds=5 threads=2 quick=0 unset_pass=0 build=1 out=""
workloads="$all_workloads" peers="$all_peers"

original_args="$*"
die() { echo "compare.sh: $*" >&2; exit 2; }
usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds="${2:?--rounds needs a number}"; shift 2 ;;
        --threads) threads="${2:?--threads needs a number}"; shift 2 ;;
        --workloads) workloads="${2:?--workloads needs a comma-separated list}"; shift 2 ;;
        --peers) peers="${2:?--peers needs a comma-separated list}"; shift 2 ;;
        --out) out="${2:?--out needs a directory}"; shift 2 ;;
        --quick) quick=1; rounds=1; shift ;;
        --also-unset-openblas-env) unset_pass=1; shift ;;
        --skip-build) build=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option \"$1\"" ;;
    esac
done
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || die "--rounds must be a positive integer, got \"$rounds\""
[[ "$threads" =~ ^[1-9][0-9]*$ ]] || die "--threads must be a positive integer, got \"$threads\""
IFS=, read -r -a workload_list <<< "$workloads"
IFS=, read -r -a peer_list <<< "$peers"
for w in "${workload_list[@]}"; do
    [[ ",$all_workloads," == *",$w,"* ]] || die "unknown workload \"$w\"; choose from $all_workloads"
done
for p in "${peer_list[@]}"; do
    [[ ",$all_peers," == *",$p,"* ]] || die "unknown peer \"$p\"; choose from $all_peers"
done

# Steps per timed repeat and repeats per process, chosen so that every process of a real
# run takes well under a minute on the 2-core machine (the 224 and ResNet50 96 workloads
# take about a second per step). Quick mode: fewer of both.
steps_for() {
    local s r
    case "$1" in
        mobilenetv2-train-48|resnet50frozen-train-48) s=6 r=5 ;;
        mobilenetv2-train-96) s=4 r=5 ;;
        resnet50-train-48|cbam-train-48) s=3 r=5 ;;
        mobilenetv2-train-224|resnet50-train-96) s=2 r=3 ;;
        mobilenetv2-infer-48) s=2 r=5 ;;
        *) s=2 r=3 ;;
    esac
    if [ "$quick" = 1 ]; then s=$(( s > 2 ? 2 : s )); r=2; fi
    echo "$s $r"
}

# --- The peers' virtual environment -------------------------------------------------
needs_python=0
for p in "${peer_list[@]}"; do [ "$p" = emotive ] || needs_python=1; done
py="$venv/bin/python"
venv_ready() {
    [ -x "$py" ] && "$py" -c 'import importlib.util as u, sys
sys.exit(0 if all(u.find_spec(m) for m in ("torch", "torchvision", "tensorflow")) else 1)' 2>/dev/null
}
if [ "$needs_python" = 1 ] && ! venv_ready; then
    echo "compare.sh: creating the peers' virtual environment in $venv (torch $torch_version, torchvision" \
         "$torchvision_version, tensorflow-cpu $tensorflow_version; about 2.5 GB, a few minutes)" >&2
    command -v python3 >/dev/null || die "python3 is not on PATH; install Python 3.10-3.12, or set EMOTIVE_PEERS_VENV to a venv that has torch, torchvision and tensorflow-cpu"
    mkdir -p "$(dirname "$venv")"
    [ -x "$py" ] || python3 -m venv "$venv" \
        || die "could not create a virtual environment in $venv (python3 -m venv failed; on Debian: apt-get install python3-venv). Set EMOTIVE_PEERS_VENV to another directory, or to an existing venv with torch, torchvision and tensorflow-cpu"
    # The CPU-only torch wheel ("+cpu", no CUDA libraries) when pip can find it (PyPI has
    # only the CUDA build; a local wheel directory in PIP_FIND_LINKS or PyTorch's CPU
    # index via PIP_EXTRA_INDEX_URL can provide it); otherwise PyPI's torch, which also
    # downloads several GB of nvidia-* packages it does not need on CPU.
    if ! "$py" -m pip install "torch==${torch_version}+cpu"; then
        echo "compare.sh: no CPU-only torch wheel found; installing PyPI's torch $torch_version (with its CUDA packages)" >&2
        "$py" -m pip install "torch==${torch_version}" \
            || die "pip could not install torch into $venv; check that PyPI is reachable (pip config list), or set EMOTIVE_PEERS_VENV to a venv that has torch, torchvision and tensorflow-cpu"
    fi
    "$py" -m pip install "torchvision==${torchvision_version}" "tensorflow-cpu==${tensorflow_version}" \
        || die "pip could not install torchvision $torchvision_version / tensorflow-cpu $tensorflow_version into $venv; remove $venv and try again, or set EMOTIVE_PEERS_VENV to a venv that has them"
    venv_ready || die "$venv still lacks torch, torchvision or tensorflow after installing; remove it and run again"
fi

# --- Emotive's benchmark executable -------------------------------------------------
cd "$root"
if [ "$build" = 1 ]; then
    echo "compare.sh: swift build -c release --product EmotiveBenchmarks" >&2
    swift build -c release --product EmotiveBenchmarks >&2 \
        || die "the release build of EmotiveBenchmarks failed (output above)"
fi
bin="$(swift build -c release --show-bin-path)/EmotiveBenchmarks"
[ -x "$bin" ] || die "$bin does not exist; run without --skip-build"

out="${out:-$(mktemp -d "${TMPDIR:-/tmp}/emotive-compare.XXXXXX")}"
mkdir -p "$out/logs"
results="$out/results.jsonl"
: > "$results"

# --- One process --------------------------------------------------------------------
# run ROUND WORKLOAD PEER [unset]: runs one peer process, appends its JSON line (with the
# round, the setting and the 1-minute load average at its start) to $results.
run() {
    local round="$1" workload="$2" peer="$3" setting="${4:-env}" s r cmd
    read -r s r < <(steps_for "$workload")
    case "$peer" in
        emotive) cmd=("$bin" peer --workload "$workload" --threads "$threads" --steps "$s" --repeats "$r") ;;
        torch-nchw|torch-channels_last)
            cmd=("$py" "$here/Peers/torch_peer.py" --workload "$workload" --threads "$threads"
                 --memory-format "${peer#torch-}" --steps "$s" --repeats "$r") ;;
        keras) cmd=("$py" "$here/Peers/keras_peer.py" --workload "$workload" --threads "$threads"
                    --steps "$s" --repeats "$r") ;;
    esac
    if [ "$workload" = sgemm ]; then cmd=("$bin" peer --workload sgemm --threads "$threads" --repeats 5); fi
    local load log="$out/logs/r${round}-${workload}-${peer}-${setting}.log" line status=0
    load="$(cut -d' ' -f1 /proc/loadavg)"
    local start=$SECONDS
    if [ "$setting" = unset ]; then
        # The only place OpenBLAS' variables are unset: this one command.
        line="$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE EMOTIVE_THREADS="$threads" OMP_NUM_THREADS="$threads" \
                timeout 600 "${cmd[@]}" 2>"$log" | grep '^{' | tail -n 1)" || status=$?
    else
        line="$(EMOTIVE_THREADS="$threads" OMP_NUM_THREADS="$threads" TF_CPP_MIN_LOG_LEVEL=2 \
                timeout 600 "${cmd[@]}" 2>"$log" | grep '^{' | tail -n 1)" || status=$?
    fi
    if [ -z "$line" ]; then
        echo "compare.sh: $peer $workload (round $round) failed (exit $status); its output: $log" >&2
        tail -n 5 "$log" >&2 || true
        line="{\"peer\": \"$peer\", \"workload\": \"$workload\", \"failed\": true, \"log\": \"$log\"}"
    fi
    printf '%s\n' "${line%\}}, \"round\": $round, \"setting\": \"$setting\", \"load\": $load, \"wall_seconds\": $((SECONDS - start))}" >> "$results"
    printf '  %-24s %-20s %-6s %4ss  load %s\n' "$workload" "$peer" "$setting" "$((SECONDS - start))" "$load" >&2
}

echo "compare.sh: $rounds round(s), $threads threads, results in $results" >&2
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')$(grep -q -m1 avx512f /proc/cpuinfo && echo ' (AVX-512)'), $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr)"
    echo "peers: $("$py" -c 'import torch, tensorflow as tf; print("torch", torch.__version__, "/ tensorflow", tf.__version__)' 2>/dev/null || echo 'not available'); Emotive: release build of EmotiveBenchmarks, commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
    echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE-<unset>} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE-<unset>}"
    echo "command: bash Benchmarks/compare.sh $original_args"
} > "$out/machine.txt"
for round in $(seq 1 "$rounds"); do
    echo "round $round of $rounds" >&2
    run "$round" sgemm emotive
    if [ "$unset_pass" = 1 ]; then run "$round" sgemm emotive unset; fi
    for w in "${workload_list[@]}"; do
        # Rotate the peers' order each round so no peer always runs first or last.
        n=${#peer_list[@]}
        for i in $(seq 0 $((n - 1))); do
            p="${peer_list[$(( (i + round - 1) % n ))]}"
            run "$round" "$w" "$p"
            if [ "$p" = emotive ] && [ "$unset_pass" = 1 ]; then run "$round" "$w" emotive unset; fi
        done
    done
done

python3 "$here/Peers/compare_report.py" "$results" --machine "$out/machine.txt"
echo "compare.sh: raw results in $results, logs in $out/logs" >&2
