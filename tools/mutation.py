"""Mutation testing of drafter's core modules with mutmut 3, a module (or all) at a time, sampled to fit CI.

    pip install -e ".[mutation]"                      # mutmut 3
    python tools/mutation.py                          # every core module, 40 mutants each (seed 0)
    python tools/mutation.py --module grounding --all # every mutant of one module
    python tools/mutation.py --sample 80 --seed 7     # another sample
    python tools/mutation.py --rev <commit>           # the code and tests of another commit

The commit (default HEAD; commit first, the working tree is not used) is exported into a scratch folder
with `git archive`, so the checkout never sees mutmut's `mutants/` folder and a past commit can be measured
beside today's. For each module the script writes mutmut's `[tool.mutmut]` table there (the module's
files as `source_paths`, the test files that exercise it as the test selection), lets mutmut generate
the mutants, picks a seeded sample of them, and runs `mutmut run` on that sample. It prints, per module,
the mutants killed (a test failed or timed out) out of those tried, and writes every survivor's diff to
`--report` so each one can be read and either killed with a test or explained as equivalent.

mutmut 3 mutates code inside functions and methods only: module-level constants (the compiled patterns
of the validator, for instance) are not mutated, so their mistakes are caught by tests written for them
(tests/test_regressions.py) rather than counted here.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# Each core module: the paths it has lived at (the first that exists at the commit is used), and the
# test files that exercise it (those that exist at the commit are used).
MODULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "validate": (("drafter/validate", "drafter/validate.py"),
                 ("test_validate.py", "test_validate_survivors.py", "test_chatter.py", "test_render.py", "test_check.py", "test_corpus.py",
                  "test_reask.py", "test_regressions.py")),
    "grounding": (("drafter/grounding.py",),
                  ("test_grounding.py", "test_validate.py", "test_check.py", "test_regressions.py")),
    "sections": (("drafter/post", "drafter/sections.py"),
                 ("test_parts.py", "test_post.py", "test_sections.py", "test_splicing.py", "test_regen.py", "test_validate.py",
                  "test_validate_survivors.py", "test_regressions.py")),
    "splicing": (("drafter/post/pairing.py", "drafter/pairing.py", "drafter/regen.py"), ("test_splicing.py", "test_regen.py", "test_regressions.py")),
    "cassettes": (("drafter/chat/cassette.py", "drafter/cassette.py"),
                  ("test_new.py", "test_regen.py", "test_parts.py", "test_chat.py", "test_cassette.py")),
    "retry": (("drafter/chat/openai.py", "drafter/llm.py"),
              ("test_retry_limits.py", "test_parts.py", "test_new.py", "test_budget.py", "test_retryafter.py", "test_regressions.py",
               "test_chat.py")),
    "limits": (("drafter/chat/budget.py", "drafter/budget.py"), ("test_budget.py", "test_retry_limits.py", "test_parts.py", "test_chat.py")),
    "settings": (("drafter/settings.py",),
                 ("test_settings.py", "test_first_hour.py", "test_parts.py", "test_new.py", "test_regressions.py")),
}
# Tests that read the source files themselves (sizes, imports): a mutated copy is not what they judge.
META_TESTS = ("test_layout.py", "test_startup.py")
# mutmut's exit codes (mutmut/stats.py): what counts as killed, and what was never tried.
KILLED = {1, 3, 24, -24, 152, 255, 36}
NOT_TRIED = {None, 34}


@dataclass
class Score:
    """The outcome of one module's sample."""

    module: str
    paths: list[str]
    generated: int
    tried: int
    killed: int
    survivors: list[str]
    seconds: float

    def line(self) -> str:
        """One line of the table the script prints."""
        percent = 100.0 * self.killed / self.tried if self.tried else 0.0
        return (f"{self.module:10s} {percent:5.1f}% killed  {self.killed:4d}/{self.tried:<4d} tried of {self.generated:5d} mutants"
                f"  {len(self.survivors):3d} survived  {self.seconds:6.0f} s  ({', '.join(self.paths)})")


def export(rev: str, folder: Path) -> None:
    """The files of commit `rev` in `folder`."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", rev], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")


def configure(folder: Path, sources: list[str], tests: list[str]) -> None:
    """Append mutmut's table to the exported pyproject.toml."""
    others = sorted(entry.name for entry in folder.iterdir() if entry.name not in ("drafter", "tests"))  # what tests read
    selection = [f"tests/{name}" for name in tests] + [f"--ignore=tests/{name}" for name in META_TESTS]
    table = ("\n[tool.mutmut]\n"
             'source_paths = ["drafter"]\n'  # the whole package is copied; only the module's files are mutated
             f"only_mutate = {json.dumps(sources)}\n"
             f"also_copy = {json.dumps(others)}\n"
             f"pytest_add_cli_args_test_selection = {json.dumps(selection)}\n"
             'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]\n'
             "use_git_change_detection = false\n")
    pyproject = folder / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8") + table, encoding="utf-8")
    conftest = folder / "tests" / "conftest.py"
    if conftest.exists():
        conftest.write_text(conftest.read_text(encoding="utf-8") + FRESH_CACHES, encoding="utf-8")


# mutmut runs a mutant against the tests its stats run saw calling the mutated function. drafter memoises the
# scanner's parses and the grounding index per text, so a test whose text an earlier test (or a test module's
# import, which mutmut's fork server runs once for all mutants) already parsed calls nothing: it is not mapped
# to the scanner, and a mutant there meets an unmutated cached result. In the scratch copy only, every test
# starts with those caches empty, so each test runs the code it judges.
FRESH_CACHES = """

@pytest.fixture(autouse=True)
def _mutation_fresh_caches():
    \"\"\"Added by tools/mutation.py: each test parses and indexes its own texts.\"\"\"
    import importlib
    for module, name in (("drafter.post.markdown", "forget"), ("drafter.grounding", "source_index")):
        try:
            target = getattr(importlib.import_module(module), name, None)
        except ImportError:  # an older commit's layout
            continue
        if target is not None:
            (getattr(target, "cache_clear", None) or target)()
"""


GENERATE = """
import sys
from mutmut.__main__ import copy_also_copy_files, copy_src_dir, create_mutants, setup_source_paths
copy_src_dir(); copy_also_copy_files(); setup_source_paths(); create_mutants(1)
"""


def mutant_names(folder: Path) -> list[str]:
    """Every mutant mutmut generated in `folder`, in a stable order."""
    names: list[str] = []
    for meta in sorted((folder / "mutants").rglob("*.py.meta")):
        names.extend(sorted(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]))
    return names


def exit_codes(folder: Path) -> dict[str, int | None]:
    """Each mutant's recorded mutmut exit code."""
    codes: dict[str, int | None] = {}
    for meta in (folder / "mutants").rglob("*.py.meta"):
        codes.update(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"])
    return codes


def run_module(module: str, rev: str, sample: int | None, seed: int, jobs: int, report: Path) -> Score | None:
    """Generate, sample and run one module's mutants in a scratch export of `rev`."""
    candidates, test_files = MODULES[module]
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"drafter-mutation-{module}-") as scratch:
        folder = Path(scratch)
        export(rev, folder)
        sources = [path for path in candidates if (folder / path).exists()][:1]
        if not sources:
            print(f"{module:10s} not at {rev}", flush=True)
            return None
        if (folder / sources[0]).is_dir():  # a package: every module in it
            sources = sorted(str(p.relative_to(folder)) for p in (folder / sources[0]).rglob("*.py"))
        if module == "retry" and (folder / "drafter/retryafter.py").exists():  # the one Retry-After reader
            sources.append("drafter/retryafter.py")
        tests = [name for name in test_files if (folder / "tests" / name).exists()]
        configure(folder, sources, tests)
        # A test's own `python -m drafter` runs the commit's code unmutated: mutmut's trampolines work only in
        # its own processes, so those tests neither kill nor break a mutant.
        environment = {**os.environ, "PYTHONPATH": str(folder)}
        environment.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run([sys.executable, "-c", GENERATE], cwd=folder, env=environment, check=True, capture_output=True)
        names = mutant_names(folder)
        chosen = names if sample is None or sample >= len(names) else sorted(random.Random(seed).sample(names, sample))
        with open(folder / "chosen.txt", "w", encoding="utf-8") as listing:
            listing.write("\n".join(chosen))
        done = subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs), *chosen], cwd=folder,
                              env=environment, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"{module:10s} mutmut failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}", flush=True)
            return None
        codes = exit_codes(folder)
        tried = [name for name in chosen if codes.get(name) not in NOT_TRIED]
        killed = [name for name in tried if codes[name] in KILLED]
        survivors = [name for name in tried if codes[name] not in KILLED]
        with open(report, "a", encoding="utf-8") as out:
            for name in survivors:
                shown = subprocess.run([sys.executable, "-m", "mutmut", "show", name], cwd=folder, env=environment,
                                       capture_output=True, text=True).stdout
                out.write(f"## {module}: {name} (exit code {codes[name]})\n{shown}\n")
        return Score(module, sources, len(names), len(tried), len(killed), survivors, time.monotonic() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", choices=sorted(MODULES), action="append", help="a core module (repeatable; default: all)")
    parser.add_argument("--sample", type=int, default=40, help="mutants tried per module, drawn with --seed (default 40)")
    parser.add_argument("--all", action="store_true", help="try every mutant instead of a sample")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rev", default="HEAD", help="the commit to measure (default HEAD)")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once (default 2, CI's cores)")
    parser.add_argument("--report", type=Path, default=Path("mutation-survivors.md"), help="where the survivors' diffs go")
    args = parser.parse_args()
    args.report.write_text(f"# Surviving mutants at {args.rev} (seed {args.seed})\n\n", encoding="utf-8")
    scores = []
    for module in args.module or list(MODULES):
        score = run_module(module, args.rev, None if args.all else args.sample, args.seed, args.jobs, args.report)
        if score is not None:
            print(score.line(), flush=True)
            scores.append(score)
    tried = sum(s.tried for s in scores)
    killed = sum(s.killed for s in scores)
    if tried:
        print(f"{'all':10s} {100.0 * killed / tried:5.1f}% killed  {killed:4d}/{tried:<4d} tried; survivors' diffs in {args.report}")


if __name__ == "__main__":
    main()
