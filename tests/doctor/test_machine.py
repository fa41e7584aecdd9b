"""The machine as the doctor sees it: the CPU's vector instructions from other
machines' /proc/cpuinfo, memory from /proc/meminfo, and the free room on the disks
that hold the models and the deal log."""

from __future__ import annotations

from pathlib import Path

from interpreter.core.vocabulary import CheckStatus
from interpreter.doctor.machine import (
    CpuFacts,
    MemoryFacts,
    check_cpu,
    check_disks,
    check_memory,
    cpu_model,
    parse_meminfo,
    read_cpu,
    vector_flags,
)

# Two CPUs of a 2-core cloud machine, as /proc/cpuinfo lists them.
EPYC = """processor\t: 0
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC 9R14
flags\t\t: fpu vme sse sse2 ssse3 sse4_1 sse4_2 avx f16c fma avx2 avx512f avx512bw avx512_vnni
processor\t: 1
model name\t: AMD EPYC 9R14
flags\t\t: fpu vme sse sse2
"""
# A Raspberry Pi 5 (Cortex-A76): NEON is `asimd`, the int8 dot product `asimddp`.
PI5 = """processor\t: 0
BogoMIPS\t: 108.00
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm \
lrcpc dcpop asimddp
CPU implementer\t: 0x41
CPU part\t: 0xd0b

Model\t\t: Raspberry Pi 5 Model B Rev 1.0
"""
# An old Atom: SSE only.
ATOM = "model name\t: Intel(R) Atom(TM) CPU N270\nflags\t\t: fpu sse sse2 ssse3\n"


def test_vector_flags_are_read_from_the_first_cpu_of_x86_and_arm() -> None:
    assert vector_flags(EPYC) == ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_vnni")
    assert vector_flags(PI5) == ("asimd", "asimddp")
    assert vector_flags(ATOM) == ()
    assert vector_flags("") == ()


def test_the_cpu_is_named_by_its_model_name_or_its_board() -> None:
    assert cpu_model(EPYC) == "AMD EPYC 9R14"
    assert cpu_model(PI5) == "Raspberry Pi 5 Model B Rev 1.0"
    assert cpu_model("processor\t: 0\n") == ""


def test_neon_or_avx2_is_ok_and_without_them_a_warning_names_the_cost() -> None:
    pi5 = CpuFacts("Raspberry Pi 5", "aarch64", 4, vector_flags(PI5))
    assert pi5.neon and check_cpu(pi5).status is CheckStatus.OK
    assert "4 cores, Raspberry Pi 5 (aarch64): asimd asimddp" in check_cpu(pi5).line()
    old_arm = check_cpu(CpuFacts("ARMv7", "armv7l", 4, ()))
    assert old_arm.status is CheckStatus.WARN and "NEON" in old_arm.fix
    atom = check_cpu(CpuFacts("Atom", "x86_64", 2, vector_flags(ATOM)))
    assert atom.status is CheckStatus.WARN and "no AVX2" in atom.fix
    one_core = check_cpu(CpuFacts("EPYC", "x86_64", 1, vector_flags(EPYC)))
    assert one_core.status is CheckStatus.WARN and "one core" in one_core.fix


def test_this_machine_reads_as_a_cpu_with_cores() -> None:
    cpu = read_cpu()
    assert cpu.cores >= 1 and cpu.architecture
    assert check_cpu(cpu).facts["cores"] == cpu.cores


def test_memory_is_read_from_meminfo_in_megabytes() -> None:
    meminfo = "MemTotal:        8039676 kB\nMemFree:  123 kB\nMemAvailable:    6291456 kB\n"
    assert parse_meminfo(meminfo) == MemoryFacts(7851.2, 6144.0)
    assert parse_meminfo("MemTotal: 100 kB\n") is None  # a kernel before 3.14


def test_too_little_memory_fails_and_little_warns() -> None:
    assert check_memory(MemoryFacts(4000, 3000), 700, 1500).status is CheckStatus.OK
    short = check_memory(MemoryFacts(4000, 1000), 700, 1500)
    assert short.status is CheckStatus.WARN and short.facts["memory_available_mb"] == 1000
    out = check_memory(MemoryFacts(1000, 400), 700, 1500)
    assert out.status is CheckStatus.FAIL and "under the 700 MB" in out.detail
    assert check_memory(None, 700, 1500).status is CheckStatus.WARN


def test_a_disk_holding_both_folders_is_one_line_and_judged_by_its_free_room(
    tmp_path: Path,
) -> None:
    folders = {"model store": tmp_path / "store", "deal log": tmp_path / "log" / "not-yet"}
    (line,) = check_disks(folders, 1, 2)
    assert line.status is CheckStatus.OK and "(model store, deal log)" in line.detail
    assert line.facts["holds"] == ["model store", "deal log"]
    (full,) = check_disks(folders, 10**12, 10**12)
    assert full.status is CheckStatus.FAIL and "free some space" in full.fix
    (tight,) = check_disks(folders, 1, 10**12)
    assert tight.status is CheckStatus.WARN
