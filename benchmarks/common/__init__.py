"""What the benchmarks share: the machine they ran on, their result files, memory
readings, the models they load, and the live exchange they play.

- `machine`: the description of the machine a result was measured on, and its slug.
- `results`: where results go and how a result file is named and written.
- `memory`: peak and current resident memory of a process.
- `models`: the model names, the store with them installed, stock faster-whisper.
- `exchange`: the two-party exchange `benchmarks.live` and `benchmarks.room` play,
  matched turn by turn to the trace lines of `interpreter live`.
- `liveproc`: `interpreter live` started as a child process, its output read.
"""
