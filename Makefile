# The two commands that matter: `make run` (the whole system) and `make test` (everything checked).
UV := ./scripts/uv
RUN := $(UV) run --frozen --no-sync

.PHONY: install run test lint migrate bench loadtest fmt openapi

install:
	$(UV) sync --frozen

run: install
	$(RUN) python -m scripts.stack run

test: install
	$(RUN) python -m scripts.stack test

lint: install
	$(RUN) python -m scripts.stack lint

fmt: install
	$(RUN) ruff check --fix .

migrate: install
	$(RUN) python -m scripts.stack migrate

bench: install
	$(RUN) python -m scripts.stack bench

loadtest: install
	$(RUN) python -m scripts.stack loadtest

openapi: install
	$(RUN) python -m scripts.openapi
