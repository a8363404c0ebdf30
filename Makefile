# See README.md. ODOO_SRC / ODOO_PYTHON / PG_BIN may be set in the environment.
.PHONY: test demo lint pot bench

test:
	bash tools/harness.sh test

demo:
	bash tools/harness.sh demo

pot:
	bash tools/harness.sh pot

bench:
	bash tools/harness.sh bench
