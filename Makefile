# hybrid.web: `make demo` and `make test` are the two commands; see README.md.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV        := .venv
BIN         := $(VENV)/bin
SUITE       := bookworm
BASE_IMAGE  := localhost/hybrid-web-base:$(SUITE)
# Every Debian release the Molecule scenarios boot (hybrid-suburl in molecule/modes is Debian 13); the demo and the bench use SUITE.
SUITES      := bookworm trixie
DEMO_NAME   := hybrid-demo
DEMO_PORT   := 8080
COLLECTION  := .cache/collections/ansible_collections/hybrid/web
STAMP       := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench
# `make molecule MOLECULE_SCENARIO=modes` runs one scenario; empty runs them all.
MOLECULE_SCENARIO :=

export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/.cache/collections
export PATH := $(CURDIR)/$(BIN):$(PATH)

say = @printf '\n\033[1m==> %s\033[0m\n' "$(1)"

.PHONY: help setup host-packages base-image demo demo-clean report test lint unit sanity collection-install molecule test-fleet test-frameworks bench bench-clean

help:
	@echo "make demo        provision a local container with site.yml, serving on 127.0.0.1:$(DEMO_PORT)"
	@echo "make demo-clean  remove the demo container"
	@echo "make report      who serves each PHP page of the demo site now, PHP or Python"
	@echo "make test        lint + unit tests + every Molecule scenario"
	@echo "make bench       benchmark the defaults against mod_php + prefork + embedded Python (about 8 min; bench/results/)"
	@echo "make bench-clean remove the bench containers"

host-packages:
	$(call say,host packages (podman, runc, debootstrap, curl, wrk))
	scripts/host-packages.sh

$(STAMP): requirements-dev.txt
	$(call say,Python tools in $(VENV) (pinned in requirements-dev.txt))
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

$(COLLECTION):
	mkdir -p $(dir $@)
	ln -sfn ../../../.. $@

setup: host-packages $(STAMP) $(COLLECTION)

base-image: host-packages
	$(call say,base images $(addprefix localhost/hybrid-web-base:,$(SUITES)))
	for suite in $(SUITES); do scripts/base-image.sh "$$suite"; done

# The demo and the bench boot SUITE only: no need to build every release's image for them.
demo: setup
	scripts/base-image.sh $(SUITE)
	$(call say,[demo 1/2] container $(DEMO_NAME) on 127.0.0.1:$(DEMO_PORT))
	export CONTAINERS_CONF="$$(scripts/podman-conf.sh $(BASE_IMAGE))"; \
	if ! podman container exists $(DEMO_NAME); then \
	    podman run -d --name $(DEMO_NAME) --hostname $(DEMO_NAME) --systemd=always \
	        -p 127.0.0.1:$(DEMO_PORT):80 $(BASE_IMAGE) /sbin/init >/dev/null; \
	fi; \
	podman start $(DEMO_NAME) >/dev/null; \
	podman exec $(DEMO_NAME) systemctl is-system-running --wait >/dev/null || true; \
	printf '\n\033[1m==> [demo 2/2] ansible-playbook site.yml\033[0m\n'; \
	$(BIN)/ansible-playbook site.yml
	$(call say,the site answers on http://127.0.0.1:$(DEMO_PORT))
	@for path in /robots.txt / /page-1.php /page-2.php /anything/else; do \
	    echo "\$$ curl -si http://127.0.0.1:$(DEMO_PORT)$$path"; \
	    curl -si "http://127.0.0.1:$(DEMO_PORT)$$path" | grep -E '^(HTTP|X-Served-By|X-Hybrid-Environ)|<h1>|^User-agent' || true; \
	    echo; \
	done

report: setup
	$(call say,migration report of the demo site)
	export CONTAINERS_CONF="$$(scripts/podman-conf.sh $(BASE_IMAGE))"; \
	$(BIN)/ansible-playbook hybrid.web.report -e hybrid_web_report_dir=$(CURDIR)/.cache/report
	@echo "JSON and text: .cache/report/"

demo-clean:
	export CONTAINERS_CONF="$$(scripts/podman-conf.sh $(BASE_IMAGE) 2>/dev/null || true)"; \
	podman rm -f $(DEMO_NAME) >/dev/null 2>&1 || true
	@echo "demo container $(DEMO_NAME) removed"

lint: setup
	$(call say,[test 1/4: lint] yamllint)
	$(BIN)/yamllint --strict .
	$(call say,ansible-lint (production profile))
	$(BIN)/ansible-lint
	$(call say,antsibull-changelog lint)
	$(BIN)/antsibull-changelog lint
	$(call say,ruff)
	$(BIN)/ruff check plugins tests molecule examples scripts bench
	$(BIN)/ruff format --check plugins tests molecule examples scripts bench
	$(call say,mypy (strict) on the plugins and scripts)
	cd .cache/collections && $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml \
	    --explicit-package-bases -p ansible_collections.hybrid.web.plugins
	$(BIN)/mypy --config-file pyproject.toml scripts/role_docs.py bench/run.py bench/app/benchapp.py

unit: setup
	$(call say,[test 2/4: unit] pytest)
	$(BIN)/pytest tests/unit
	$(call say,role variable tables in README.md match the argument specs)
	$(BIN)/python scripts/role_docs.py --check

sanity: setup
	$(call say,[test 3/4: sanity] ansible-test sanity and units)
	scripts/ansible-test.sh

# The `installed` scenario uses the collection as users get it: built, then installed from the tarball.
collection-install: setup
	$(call say,ansible-galaxy collection build and install into .cache/installed-collections)
	rm -rf .cache/dist .cache/installed-collections
	$(BIN)/ansible-galaxy collection build --output-path .cache/dist .
	@if tar tzf .cache/dist/hybrid-web-*.tar.gz | grep -E '^(\.|molecule/|tests/|examples/|bench/|scripts/|inventories/)'; then \
	    echo "the collection tarball carries development files (see build_ignore in galaxy.yml)"; exit 1; fi
	ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/.cache/installed-collections $(BIN)/ansible-galaxy collection install \
	    --force --collections-path .cache/installed-collections .cache/dist/hybrid-web-*.tar.gz

# Scenarios with a target of their own (make test-fleet, make test-frameworks), left out of `make test` to keep it
# within its time budget.
SEPARATE_SCENARIOS := fleet frameworks
molecule: setup base-image collection-install
	$(call say,[test 4/4: molecule] molecule test $(if $(MOLECULE_SCENARIO),-s $(MOLECULE_SCENARIO),--all) (scenarios: $(if $(MOLECULE_SCENARIO),$(MOLECULE_SCENARIO),$(filter-out $(SEPARATE_SCENARIOS),$(sort $(patsubst molecule/%/molecule.yml,%,$(wildcard molecule/*/molecule.yml)))))))
	export CONTAINERS_CONF="$$(scripts/podman-conf.sh $(BASE_IMAGE))"; \
	$(BIN)/molecule test $(if $(MOLECULE_SCENARIO),-s $(MOLECULE_SCENARIO),--all $(addprefix --exclude ,$(SEPARATE_SCENARIOS)))

# The fleet scenario alone: three web containers and an HAProxy one, rolling converges with traffic through HAProxy.
test-fleet:
	$(MAKE) molecule MOLECULE_SCENARIO=fleet

# The frameworks scenario alone: a Django project from a git repository and a Flask app from an archive, each at the
# root of the PHP site (pip installs Django and Flask from PyPI in the containers).
test-frameworks:
	$(MAKE) molecule MOLECULE_SCENARIO=frameworks

test: lint unit sanity molecule
	$(call say,make test passed)

# The bench (bench/run.py): fresh containers hybrid-bench-* on 127.0.0.1:8090-8091, wrk on loopback.
$(BENCH_STAMP): requirements-bench.txt $(STAMP)
	$(call say,bench tools in $(VENV) (requirements-bench.txt))
	$(BIN)/pip install -q -r requirements-bench.txt
	touch $@

bench: setup $(BENCH_STAMP)
	scripts/base-image.sh $(SUITE)
	export CONTAINERS_CONF="$$(scripts/podman-conf.sh $(BASE_IMAGE))"; \
	$(BIN)/python bench/run.py

bench-clean:
	export CONTAINERS_CONF="$$(scripts/podman-conf.sh $(BASE_IMAGE) 2>/dev/null || true)"; \
	for name in hybrid-bench-floor hybrid-bench-event hybrid-bench-prefork; do podman rm -f --ignore $$name >/dev/null; done
	@echo "bench containers removed"
