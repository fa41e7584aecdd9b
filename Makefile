# Two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast lint bench bench-live bench-room bench-soak device-check system-deps venv clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[demo,dev,bench]'
	touch $(STAMP)

venv: $(STAMP)

system-deps:
	@sh device/install-system-deps.sh

# The merchant speaks in the natural Mandarin test voice where it is beside the checkout
# (test speech only, never a product voice: its lines are rendered outside the product
# and played as recordings), else in espeak-ng's robotic Mandarin.
MERCHANT_VOICE := ../shared/voices/zh-baker
MERCHANT_AUDIO := demo-output/merchant-voice

demo: system-deps $(STAMP)
	@if [ -d $(MERCHANT_VOICE) ]; then \
		set -x; \
		$(BIN)/python -m benchmarks.demo_voices $(MERCHANT_AUDIO) && \
		$(BIN)/interpreter demo --merchant-audio $(MERCHANT_AUDIO); \
	else \
		echo "note: no natural Mandarin test voice at $(MERCHANT_VOICE), so the merchant speaks with espeak-ng"; \
		set -x; \
		$(BIN)/interpreter demo; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check interpreter tests benchmarks
	$(BIN)/ruff format --check interpreter tests benchmarks
	$(BIN)/mypy
	@if command -v shellcheck >/dev/null 2>&1; then \
		set -x; shellcheck device/*.sh; \
	else \
		echo "note: shellcheck is not installed (make system-deps installs it as root); device/*.sh not checked"; \
	fi

# Two passes: everything that does not run on the wall clock shares the cores (two
# workers, a file's tests on one worker: its models load once), then the real-time
# sessions and the browser one at a time, as a stall runs them (they time audio).
test: system-deps lint
	$(BIN)/pytest -q -m "not realtime" -n 2 --dist loadfile
	$(BIN)/pytest -q -m realtime

# The logic alone, in under a minute: no model weights, no real-time session, no browser.
test-fast: $(STAMP)
	$(BIN)/pytest -q -m "not models and not slow and not realtime"

# End of speech to first translated audio, ours against the stock wiring (see README).
bench: system-deps $(STAMP)
	$(BIN)/python -m benchmarks.latency

# A two-party exchange through the real audio path (ALSA file devices), in real time.
bench-live: system-deps $(STAMP)
	$(BIN)/python -m benchmarks.live

# Five minutes of conversation in the room: a real sound server (PulseAudio), timed
# from the last voiced sample to the device's first sample in one recording.
bench-room: system-deps $(STAMP)
	$(BIN)/python -m benchmarks.room --minutes 5

# An hour of the kiosk in the room as the stall's service, with faults on a schedule
# (as root: the deal log gets a small disk of its own to fill).
bench-soak: system-deps $(STAMP)
	$(BIN)/python -m benchmarks.soak --minutes 60

# The stall device's processor (arm64) under qemu, as root: a Debian arm64 root, the
# interpreter from PyPI's aarch64 wheels, models from a "stick", translate, the logic
# tests. Slow under emulation (tens of minutes), so not part of `make test`.
device-check: $(STAMP)
	bash device/arm64-check.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache demo-output
