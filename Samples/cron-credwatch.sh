#!/usr/bin/env bash
# Daily credwatch run over the day's dump folder: reports only exposures not seen before, then
# mails a per-account summary to the SOC and/or drops it in a ticket folder. The summary names
# accounts, platforms, kinds and actions; it never carries a password or a password fingerprint.
#
# `make install` puts a copy in share/doc/credwatch/ (with the binary's folder filled in below)
# and creates the folders it writes to. crontab of the unprivileged "credwatch" user, every day
# at 06:30 (or use credwatch.service and credwatch.timer from the same folder):
#   30 6 * * *  /usr/local/share/doc/credwatch/cron-credwatch.sh >>/var/log/credwatch/cron.log 2>&1
#
# Settings come from the environment (or $CREDWATCH_ENV, /etc/credwatch/cron.env, sourced if present):
#   DUMP_ROOT    folder holding one sub-folder per day, named YYYY-MM-DD  (/srv/dumps)
#   DAY          the day to scan                                           (today, date +%F)
#   MAIL_TO      where to mail the summary; empty: no mail                (soc@clinique-exemple.fr)
#   TICKET_DIR   where to write the summary as a ticket; empty: no ticket (/var/spool/credwatch/tickets)
#   ALERT_TO     who hears about fatal errors, incomplete input and a missing day ($MAIL_TO)
#   CONF         accounts.csv, org.toml and the fingerprint key           (/etc/credwatch)
#   STATE        the state of earlier runs                                (/var/lib/credwatch/state.db)
#   REPORTS      findings, reset lists and run summaries                  (/var/lib/credwatch/reports)
#   CREDWATCH    the binary                                               (credwatch, on the PATH below)
# Exit status: credwatch's own (0 nothing new, 1 new findings, 2 fatal, 3 incomplete input), or
# 4 when the day's dump folder is missing (alerted: the dumps were not delivered, or not where
# they should be: nothing was scanned).

set -uo pipefail  # not -e: credwatch exits 1 when it finds something, which is not a failure.
umask 077         # reports and tickets name exposed accounts: owner-only

# cron runs with PATH=/usr/bin:/bin, which does not hold /usr/local/bin where `make install`
# puts the binary: its folder comes first (make install writes the folder it installed to).
CREDWATCH_BINDIR=/usr/local/bin
PATH="$CREDWATCH_BINDIR:/usr/local/bin:/usr/bin:/bin${PATH:+:$PATH}"

CREDWATCH_ENV=${CREDWATCH_ENV:-/etc/credwatch/cron.env}
# shellcheck source=/dev/null
[[ -r "$CREDWATCH_ENV" ]] && source "$CREDWATCH_ENV"

DUMP_ROOT=${DUMP_ROOT:-/srv/dumps}
MAIL_TO=${MAIL_TO-soc@clinique-exemple.fr}
TICKET_DIR=${TICKET_DIR-/var/spool/credwatch/tickets}
ALERT_TO=${ALERT_TO:-$MAIL_TO}
CONF=${CONF:-/etc/credwatch}
STATE=${STATE:-/var/lib/credwatch/state.db}
REPORTS=${REPORTS:-/var/lib/credwatch/reports}
CREDWATCH=${CREDWATCH:-credwatch}

day=${DAY:-$(date +%F)}
# The run's files are named by its time and process: a run started in the same second as
# another (by hand, or after a failure) never writes over that run's report.
stamp=$(date +%F_%H%M%S)_$$
input="$DUMP_ROOT/$day"
report="$REPORTS/findings-$stamp.jsonl"
reset_list="$REPORTS/reset-$stamp.csv"
run_summary="$REPORTS/summary-$stamp.json"

# Every value of a report a dump put there (logins, machine names, hosts, paths, reasons) is shown
# in credwatch's notation (README, "Escapes"; `DisplayText.escaped`): C0 and C1 controls, bidi
# marks and overrides and invisible characters as `\x1b` or `\u{202E}`, and a backslash that would
# read as an escape as `\\`. `jq -r` alone would write them raw: a ticket or mail read in a
# terminal must not be driven (ESC, BEL, OSC 8 links) nor disguised (U+202E, U+200B) by a dump.
# The list of characters is `DisplayText.isUnsafe`'s (CronScriptTests checks them against it).
JQ_SHOWN='
  def hex: if . < 16 then "0123456789abcdef"[.:.+1] else (. / 16 | floor | hex) + (. % 16 | hex) end;
  def unsafe: . < 32 or (. >= 127 and . < 160) or . == 173 or . == 847 or . == 1564 or . == 4447
    or . == 4448 or . == 6068 or . == 6069 or (. >= 6155 and . <= 6159) or (. >= 8203 and . <= 8207)
    or (. >= 8232 and . <= 8238) or (. >= 8288 and . <= 8303) or . == 12644 or . == 65279 or . == 65440
    or (. >= 65529 and . <= 65531) or (. >= 119155 and . <= 119162) or (. >= 917504 and . <= 917631);
  def shown: tostring | explode as $c | [range(0; $c | length) as $i | $c[$i] as $s
    | if $s == 92 then
        ($c[$i + 1] // -1) as $n
        | if $n == 120 or $n == 92 or ($n >= 0 and ($n | unsafe)) or ($n == 117 and $c[$i + 2] == 123)
          then "\\\\" else "\\" end
      elif ($s | unsafe) then
        if $s < 256 then "\\x" + (if $s < 16 then "0" else "" end) + ($s | hex)
        else "\\u{" + ($s | hex | ascii_upcase) + "}" end
      else [$s] | implode end] | join("");
'

log() { printf '%s credwatch-cron: %s\n' "$(date '+%F %T')" "$*"; }

notify() {  # notify SUBJECT FILE: mail FILE to ALERT_TO (if any); used for errors
    if [[ -n "$ALERT_TO" ]]; then
        mail -s "$1" "$ALERT_TO" <"$2" || log "could not mail the alert to $ALERT_TO"
    fi
}

# One run at a time: a slow scan must not overlap the next day's.
mkdir -p "$REPORTS" || exit 2
exec 9>"$REPORTS/.lock"
if ! flock -n 9; then
    log "another run is still going; skipping"
    exit 0
fi

# A missing day is an alert, not a quiet success: the dumps were not delivered (or not where
# this script looks), and a scheduled run that says nothing would hide it for good.
if [[ ! -d "$input" ]]; then
    log "ALERT: no dump folder for $day ($input): nothing was scanned"
    missing=$(mktemp)
    printf 'credwatch: no dump folder for %s (%s) on %s: nothing was scanned.\n' "$day" "$input" "$(hostname)" >"$missing"
    notify "credwatch $day: NO DUMP FOLDER" "$missing"
    rm -f "$missing"
    exit 4
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

# A run with nothing new leaves no empty findings file and no reset list without an account
# (the run summary stays: it is the record of the run).
[[ -s "$report" ]] || rm -f "$report"
if [[ -f "$reset_list" ]] && (($(grep -c . "$reset_list") <= 1)); then rm -f "$reset_list"; fi

# Exit status 1 (findings) hides incompleteness: the JSON summary tells it whatever the status.
if [[ -s "$run_summary" ]] && jq -e '.complete == false' "$run_summary" >/dev/null 2>&1; then
    jq -r "$JQ_SHOWN"'.incomplete[] | "\(.input | shown): \(.reason | shown)"' "$run_summary" >"$errors.incomplete"
    log "$(jq '.errors' "$run_summary") input(s) or member(s) not read completely"
    notify "credwatch $day: input incomplete" "$errors.incomplete"
    rm -f "$errors.incomplete"
fi

# Per-account summary of the new findings: one entry per account (else per machine, stolen
# session host or unknown login), worst severity first. Only names, kinds, platforms, actions and counts are printed.
summarise() {
    jq -rs "$JQ_SHOWN"'
      def rank: {"critical": 3, "high": 2, "medium": 1, "low": 0}[.] // 0;
      def who: .account // (if .kind == "infected_machine" then "machine " + (.machine.hostname // "?")
                            elif .kind == "cookie" then "session on " + (.host // "?")
                              + (if .machine_account then " of " + .machine_account else "" end)
                            else "unknown login " + (.login // "?") end);
      group_by(who)
      | map({
          who: (.[0] | who | shown),
          disabled: (map(.account_disabled == true) | any),
          severity: (map(.severity) | max_by(rank)),
          what: (map(.kind + (if .platform then "@" + .platform else "" end)) | unique | join(", ") | shown),
          actions: (map(.action) | unique | join(", ") | shown),
          machines: (map(.machine.hostname // empty) | unique | join(", ") | shown),
          sources: (map(.sources | length) | add),
          ids: (map(.id // empty) | unique | join(" ") | shown)
        })
      | sort_by(-(.severity | rank), .who)
      | .[]
      | "\(.severity | ascii_upcase)  \(.who)\(if .disabled then " (disabled)" else "" end)\n"
        + "    \(.what); action: \(.actions)"
        + (if .machines != "" then "; machine: \(.machines)" else "" end) + "; \(.sources) source(s)"
        + (if .ids != "" then "\n    id: \(.ids)" else "" end)
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
