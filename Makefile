# The two commands that matter: `make run` (the whole system) and `make test` (everything checked).
UV := ./scripts/uv
RUN := $(UV) run --frozen --no-sync

.PHONY: install run test lint migrate bench loadtest fmt openapi fuzz

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

# The fuzz tests of `make test` with FUZZ_EXAMPLES (default 500) generated requests per operation.
fuzz: install
	$(RUN) python -m scripts.stack fuzz

loadtest: install
	$(RUN) python -m scripts.stack loadtest

openapi: install
	$(RUN) python -m scripts.openapi
