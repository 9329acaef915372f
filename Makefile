# The two commands a newcomer needs: `make run` and `make test`.
# Both create ./.venv on first use and install mentorbot into it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint install install-test install-mutation mutation bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

install-mutation: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,mutation]'

run: install
	$(BIN)/mentorbot run

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Mutation testing, on demand (not in CI; it takes tens of minutes): mutmut changes the
# permission, privacy, escaping, expiry and outbox code one small edit at a time and lists the
# edits no test noticed; `.venv/bin/mutmut show NAME` shows one. The modules and tests are set
# in [tool.mutmut] in pyproject.toml; MUTANTS picks the functions (`make mutation MUTANTS='bot.text.*'`).
MUTANTS ?= \
	'bot.text.*' 'bot.privacy.*' 'bot.lifecycle.*' 'storage.outbox.*' \
	'storage.pairings.x_is_member__*' 'storage.pairings.x_other_member__*' \
	'storage.pairings.x_is_open__*' 'storage.pairings.x_require_member__*' \
	'handlers.edge.x_acting_user__*' 'handlers.edge.x_actor_id__*' \
	'handlers.edge.x_action_value__*' 'handlers.edge.x_id_values__*' \
	'handlers.flows.digest.x_require_coordinator__*' 'handlers.flows.requests.x__answerable__*' \
	'handlers.flows.work.x__open_member_pairing__*' \
	'storage.requests.x_open_request__*' 'storage.requests.x_due_reminders__*' \
	'storage.requests.x_due_expiries__*' \
	'handlers.flows.request_deadlines.x_remind_unanswered_requests__*' \
	'handlers.flows.request_deadlines.x_expire_unanswered_requests__*'

mutation: install-mutation
	rm -rf mutants
	$(BIN)/mutmut run $(MUTANTS)
	$(BIN)/mutmut results | grep -v ': not checked$$' || true

bench: install-test
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis mutants
