# zdiag scan: test dependencies beyond the defaults.
#
# promtool (Debian package prometheus) checks the --prom exposition in
# tests/e2e/scan.bats.  The BPF subreaper reader (src/proc/subreaper.c)
# needs nothing at build time but <linux/bpf.h> and <linux/btf.h>
# (linux-libc-dev): its program is assembled at run time.
DEB_PKGS += prometheus
