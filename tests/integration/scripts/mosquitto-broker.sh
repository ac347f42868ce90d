#!/bin/sh
# Runs Debian's mosquitto in place of telemq, to check the suite itself against a known-good
# broker:
#   TELEMQ_TEST_BROKER_CMD="$PWD/tests/integration/scripts/mosquitto-broker.sh {port} {data_dir}"
# The harness substitutes {port} and {data_dir}; exec keeps the harness's pid on the broker.
set -eu
port=$1
data_dir=$2
conf="$data_dir/mosquitto.conf"
cat >"$conf" <<CONF
listener $port 127.0.0.1
allow_anonymous true
# Persistence on, so the restart tests have something to check; mosquitto saves on exit only.
persistence true
persistence_location $data_dir/
autosave_interval 0
log_dest stderr
log_type all
# Started as root, mosquitto would otherwise switch to a user that cannot enter the test's
# private folder.
user $(id -un)
CONF
exec "${MOSQUITTO:-/usr/sbin/mosquitto}" -c "$conf"
