#!/usr/bin/env bash
# Daily credwatch run over the day's dump folder: reports only exposures not seen before, then
# mails a per-account summary to the SOC and/or drops it in a ticket folder. The summary names
# accounts, platforms, kinds and actions; it never carries a password or a password fingerprint.
#
# crontab (every day at 06:30, as the unprivileged "credwatch" user):
#   30 6 * * *  /opt/credwatch/cron-credwatch.sh >>/var/log/credwatch/cron.log 2>&1
#
# Settings come from the environment (or /etc/credwatch/cron.env, sourced if present):
#   DUMP_ROOT    folder holding one sub-folder per day, named YYYY-MM-DD  (/srv/dumps)
#   MAIL_TO      where to mail the summary; empty: no mail                (soc@clinique-exemple.fr)
#   TICKET_DIR   where to write the summary as a ticket; empty: no ticket (/var/spool/credwatch/tickets)
#   ALERT_TO     who hears about fatal errors and incomplete input         ($MAIL_TO)
# Exit status: credwatch's own (0 nothing new, 1 new findings, 2 fatal, 3 incomplete input).

set -uo pipefail  # not -e: credwatch exits 1 when it finds something, which is not a failure.
umask 077         # reports and tickets name exposed accounts: owner-only

[[ -r /etc/credwatch/cron.env ]] && source /etc/credwatch/cron.env

DUMP_ROOT=${DUMP_ROOT:-/srv/dumps}
MAIL_TO=${MAIL_TO-soc@clinique-exemple.fr}
TICKET_DIR=${TICKET_DIR-/var/spool/credwatch/tickets}
ALERT_TO=${ALERT_TO:-$MAIL_TO}
CONF=${CONF:-/etc/credwatch}
STATE=${STATE:-/var/lib/credwatch/state.db}
REPORTS=${REPORTS:-/var/lib/credwatch/reports}
CREDWATCH=${CREDWATCH:-credwatch}

day=$(date +%F)
stamp=$(date +%F_%H%M%S)
input="$DUMP_ROOT/$day"
report="$REPORTS/findings-$stamp.jsonl"
reset_list="$REPORTS/reset-$stamp.csv"
run_summary="$REPORTS/summary-$stamp.json"

log() { printf '%s credwatch-cron: %s\n' "$(date '+%F %T')" "$*"; }

notify() {  # notify SUBJECT FILE: mail FILE to ALERT_TO (if any); used for errors
    [[ -n "$ALERT_TO" ]] && mail -s "$1" "$ALERT_TO" <"$2"
}

# One run at a time: a slow scan must not overlap the next day's.
mkdir -p "$REPORTS" || exit 2
exec 9>"$REPORTS/.lock"
if ! flock -n 9; then
    log "another run is still going; skipping"
    exit 0
fi

if [[ ! -d "$input" ]]; then
    log "no dump folder for $day ($input); nothing to do"
    exit 0
fi

errors=$(mktemp)
trap 'rm -f "$errors"' EXIT

"$CREDWATCH" scan "$input" \
    --accounts "$CONF/accounts.csv" \
    --org "$CONF/org.toml" \
    --state "$STATE" --new-only \
    --fingerprint-key-file "$CONF/key" \
    --reset-list "$reset_list" \
    --format jsonl --output "$report" \
    --summary "$run_summary" \
    --quiet 2>"$errors"
status=$?

# Exit status 1 (findings) hides incompleteness: the JSON summary tells it whatever the status.
if [[ -s "$run_summary" ]] && jq -e '.complete == false' "$run_summary" >/dev/null 2>&1; then
    jq -r '.incomplete[] | "\(.input): \(.reason)"' "$run_summary" >"$errors.incomplete"
    log "$(jq '.errors' "$run_summary") input(s) or member(s) not read completely"
    notify "credwatch $day: input incomplete" "$errors.incomplete"
    rm -f "$errors.incomplete"
fi

# Per-account summary of the new findings: one entry per account (else per machine, stolen
# session host or unknown login), worst severity first. Only names, kinds, platforms, actions and counts are printed.
summarise() {
    jq -rs '
      def rank: {"critical": 3, "high": 2, "medium": 1, "low": 0}[.] // 0;
      def who: .account // (if .kind == "infected_machine" then "machine " + (.machine.hostname // "?")
                            elif .kind == "cookie" then "session on " + (.host // "?")
                            else "unknown login " + (.login // "?") end);
      group_by(who)
      | map({
          who: (.[0] | who),
          disabled: (map(.account_disabled == true) | any),
          severity: (map(.severity) | max_by(rank)),
          what: (map(.kind + (if .platform then "@" + .platform else "" end)) | unique | join(", ")),
          actions: (map(.action) | unique | join(", ")),
          machines: (map(.machine.hostname // empty) | unique | join(", ")),
          sources: (map(.sources | length) | add)
        })
      | sort_by(-(.severity | rank), .who)
      | .[]
      | "\(.severity | ascii_upcase)  \(.who)\(if .disabled then " (disabled)" else "" end)\n"
        + "    \(.what); action: \(.actions)"
        + (if .machines != "" then "; machine: \(.machines)" else "" end) + "; \(.sources) source(s)"
    ' "$report"
}

deliver() {  # mail and/or file the summary of $report
    local summary count subject
    summary=$(mktemp)
    count=$(jq -s 'length' "$report")
    subject="credwatch $day: $count new finding(s)"
    {
        echo "$subject"
        echo
        summarise
        echo
        echo "Full report: $report (on $(hostname))"
        [[ -s "$reset_list" ]] && echo "Accounts to force-reset: $reset_list (see reset-accounts.ps1)"
        [[ -s "$errors" ]] && { echo; echo "Warnings:"; cat "$errors"; }
    } >"$summary"
    if [[ -n "$MAIL_TO" ]]; then
        mail -s "$subject" "$MAIL_TO" <"$summary" && log "mailed $count finding(s) to $MAIL_TO"
    fi
    if [[ -n "$TICKET_DIR" ]]; then
        mkdir -p "$TICKET_DIR" && cp "$summary" "$TICKET_DIR/credwatch-$stamp.txt" \
            && log "ticket $TICKET_DIR/credwatch-$stamp.txt"
    fi
    rm -f "$summary"
}

case $status in
    0)
        log "nothing new in $input"
        ;;
    1)
        deliver
        ;;
    3)
        # Nothing new was found, but part of the input could not be read (truncated archive,
        # encrypted member, limit reached): the scan is not a clean bill of health (already
        # notified above, from the summary).
        log "nothing new, but some input was incomplete"
        ;;
    *)
        # 2: nothing was marked as seen; the next run reports again what this one found.
        log "fatal error (exit $status): $(head -c 500 "$errors")"
        notify "credwatch $day: FAILED (exit $status)" "$errors"
        ;;
esac
exit "$status"
