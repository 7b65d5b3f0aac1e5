#!/bin/sh
echo "coverage tools are not available in kubecpp's offline build" >&2
exit 1
