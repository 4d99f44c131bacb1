#!/bin/sh
# A multi-step invoice workflow that reports to Drumbeats with curl alone:
# one /start, a /log per step, one terminal ping, all tied by the same run_id.
#
#   DRUMBEATS_PING_URL=http://127.0.0.1:8417/v1/ping/<monitor-id> ./examples/invoice-workflow.sh
#
# -fsS: quiet unless something fails; -m 5: never let monitoring hang the job;
# --retry 3: ride out a collector restart. "|| true": a monitoring failure
# must never fail the invoice run itself.
set -u

base=${DRUMBEATS_PING_URL:?set DRUMBEATS_PING_URL to the monitor ping URL}
run_id="invoice_evt_$(date +%s)_$$"
ping() { curl -fsS -m 5 --retry 3 -o /dev/null "$@" || true; }

ping "$base/start?run_id=$run_id"

pull_line_items() { sleep 0.2; echo 48; }
render_pdf() { sleep 0.3; }
upload() { sleep 0.1; }
send_receipt() { sleep 0.1; }

count=$(pull_line_items)
ping "$base/log?run_id=$run_id" --get --data-urlencode "message=Pulled $count entries"

render_pdf
ping "$base/log?run_id=$run_id&message=PDF+rendered"

upload
ping "$base/log?run_id=$run_id&message=Uploaded"

if send_receipt; then
  # Bigger context goes in the body (up to 10 KB is stored per ping).
  ping -X POST -H 'Content-Type: application/json' \
    --data "{\"invoice\":\"$run_id\",\"lines\":$count}" "$base/success?run_id=$run_id"
else
  ping "$base/failure?run_id=$run_id&message=receipt+not+sent"
  exit 1
fi
echo "invoice run $run_id done"
