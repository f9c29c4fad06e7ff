#!/bin/sh
# The tests with a coverage gate: `sh scripts/coverage.sh 80` fails when statements covered are under 80 %.
# (go test has no threshold of its own; go tool cover gives the total.)
set -eu
minimum="${1:?usage: sh scripts/coverage.sh PERCENT}"
go test -coverpkg=./... -coverprofile=coverage.out ./...
total="$(go tool cover -func=coverage.out | awk '/^total:/ { sub("%", "", $3); print $3 }')"
echo "coverage: ${total}% (minimum ${minimum}%)"
awk -v total="$total" -v minimum="$minimum" 'BEGIN { exit (total + 0 >= minimum + 0) ? 0 : 1 }'
