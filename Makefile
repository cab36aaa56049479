# Set-up is automatic: the first `make grade` or `make test` creates .venv and installs the grader.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SUBMISSION ?=
ASSIGNMENT ?=
ARGS ?=

.PHONY: grade test skeleton handout gradescope bench accuracy clean

# (PYTHONWARNINGS: setuptools' notice on every editable install, which says nothing a user can act on, is not shown)
$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	PYTHONWARNINGS=ignore::UserWarning $(PY) -m pip install --quiet -e '.[test]'
	touch $@

## grade ./mytorch, or SUBMISSION=path (a folder, mytorch/, .zip, .tar or .tar.gz); ASSIGNMENT=numpy-nn|nnfs for
## another assignment (see `python -m autograder assignments`); ARGS="--format gradescope"
grade: $(VENV)/.installed
	AUTOGRADER_REPLAY=make $(PY) -m autograder grade $(if $(SUBMISSION),'$(subst ','\'',$(SUBMISSION))') $(if $(ASSIGNMENT),--assignment '$(ASSIGNMENT)') $(ARGS)

## the project's own test suite
test: $(VENV)/.installed
	$(PY) -m pytest -n 4

## regenerate the student skeleton mytorch/ from solutions/mytorch/
skeleton: $(VENV)/.installed
	$(PY) -m autograder.skeleton

## dist/handout/ and dist/handout.tar.gz: skeleton, writeup, local-mode grader, public fixtures
## (ASSIGNMENT=numpy-nn|nnfs: dist/handout-NAME/ and its .tar.gz)
handout: $(VENV)/.installed
	$(PY) -m autograder handout $(if $(ASSIGNMENT),--assignment '$(ASSIGNMENT)')

## dist/gradescope/autograder.zip: Gradescope's autograder, with the secret seed and hidden tests (keep it private)
gradescope: $(VENV)/.installed
	$(PY) -m autograder.package $(if $(ASSIGNMENT),'$(ASSIGNMENT)')

## grading speed next to the cost of importing numpy and hypothesis
bench: $(VENV)/.installed
	$(PY) tests/bench.py

## grade the catalogue: mutants killed and precisely blamed, correct submissions at full marks
accuracy: $(VENV)/.installed
	$(PY) tests/accuracy.py $(if $(ASSIGNMENT),--assignment '$(ASSIGNMENT)')

clean:
	rm -rf $(VENV) dist build *.egg-info
