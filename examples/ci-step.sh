#!/bin/sh
# A CI pipeline step wrapped by drumbeats run. The run id ties the report to
# the pipeline (GitHub Actions shown; GitLab has CI_PIPELINE_ID/CI_JOB_ID), and
# the step's exit code is exactly the command's, so CI still fails when tests fail.
#
#   - name: Tests
#     run: ./examples/ci-step.sh
#     env:
#       DRUMBEATS_URL: ${{ secrets.DRUMBEATS_URL }}
#       DRUMBEATS_MONITOR: ${{ secrets.DRUMBEATS_CI_MONITOR_ID }}
set -eu
run_id="ci-${GITHUB_RUN_ID:-local}-${GITHUB_RUN_ATTEMPT:-1}-$$"
exec drumbeats run --run-id "$run_id" -- sh -c '
  echo "[milestone] dependencies installed"
  echo "running 42 tests"
  sleep 0.3
  echo "[milestone] tests passed"
'
