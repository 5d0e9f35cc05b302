#!/bin/sh
# Runs the Vision fuzz campaigns (Tests/VisionTests/FuzzTests.swift) for a chosen time per
# target in a release build, one process per target, and prints inputs tried and failures.
# A crash or hang saves the input into Tests/VisionTests/Fuzz/corpus/regressions/
# (<target>-crash-*.bin, <target>-hang-*.bin, <target>-failure-*.bin); commit those files
# with the fix: the test suite replays every regression file.
#
#   Tests/VisionTests/Fuzz/fuzz.sh [seconds per target, default 75] [seed, default: time]
set -u
cd "$(dirname "$0")/../../.."
SECONDS_PER_TARGET=${1:-75}
SEED=${2:-$(date +%s)}
swift build -c release --build-tests -Xswiftc -enable-testing >/tmp/emotive-fuzz-build.log 2>&1 ||
    { tail -30 /tmp/emotive-fuzz-build.log; exit 1; }
status=0
for test in mutatedPNGsDecodeOrThrowAnImageError mutatedJPEGsDecodeOrThrowAnImageError \
            mutatedFER2013CSVsLoadOrThrowADatasetError mutatedFERPlusVoteFilesLoadOrThrowADatasetError; do
    EMOTIVE_FUZZ_SECONDS=$SECONDS_PER_TARGET EMOTIVE_FUZZ_SEED=$SEED \
        swift test -c release -Xswiftc -enable-testing --skip-build --filter "FuzzTests/$test" >/tmp/emotive-fuzz-$test.log 2>&1
    rc=$?
    grep -E '^fuzz |HANG|recorded an issue|↳ .*input' /tmp/emotive-fuzz-$test.log
    if [ $rc -ne 0 ]; then
        status=1
        grep -q '^fuzz ' /tmp/emotive-fuzz-$test.log || echo "$test: process ended abnormally (exit $rc); see /tmp/emotive-fuzz-$test.log"
    fi
done
ls Tests/VisionTests/Fuzz/corpus/regressions | grep -v '^\.keep$' | sed 's/^/regression file: /'
echo "seed $SEED, $SECONDS_PER_TARGET s per target: $([ $status -eq 0 ] && echo 'no failures' || echo 'FAILURES (see above)')"
exit $status
