#!/usr/bin/env bash
# Builds lpm-bench (DPDK rte_lpm / rte_lpm6 reference) next to this script.
# Needs: apt-get install -y libdpdk-dev pkg-config gcc (Debian 12 ships DPDK 22.11).
# -march=native: rte_lpm_lookup and rte_lpm_lookup_bulk are inline functions, compiled here for this CPU, as a
# DPDK application would be; pkg-config's -march=corei7 comes first and is overridden.
set -euo pipefail
cd "$(dirname "$0")"
gcc -O3 $(pkg-config --cflags libdpdk) -march=native -Wall -Wextra -Werror -o lpm-bench lpm-bench.c \
    $(pkg-config --libs libdpdk) -lz
echo "built $(pwd)/lpm-bench (DPDK $(pkg-config --modversion libdpdk))"
