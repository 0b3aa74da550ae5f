// The command line of a bench script: flags (--json, --keep, …), options with a value (--size N, …), --help,
// and the checks on the values, with the same messages and exit codes in every bench.

/**
 * Reads `argv` against `spec` without side effects:
 * - `defaults`: the arguments before any flag;
 * - `flags`: { '--json': 'json', … }, each sets its key to true;
 * - `options`: { '--size': ['sizeMiB', Number], … }, each reads the next word through its parser;
 * - `checks`: [(args) => message | null, …], the first message found is the error.
 * Returns { args }, { help: true } or { error } (what to print after the bench's name).
 */
export function readBenchArgs(argv, spec) {
  const args = { ...spec.defaults };
  const flags = spec.flags ?? {};
  const options = spec.options ?? {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') return { help: true };
    if (Object.hasOwn(flags, a)) args[flags[a]] = true;
    else if (Object.hasOwn(options, a)) {
      const [key, parse] = options[a];
      args[key] = parse(argv[++i]);
    } else return { error: `unknown argument ${a}` };
  }
  for (const check of spec.checks ?? []) {
    const message = check(args);
    if (message) return { error: message };
  }
  return { args };
}

/**
 * The bench's arguments from `argv`; prints `spec.usage` and exits 0 on --help, prints `<name>: <error>` and
 * exits 2 on a wrong argument.
 */
export function parseBenchArgs(argv, spec) {
  const read = readBenchArgs(argv, spec);
  if (read.help) {
    process.stdout.write(`${spec.usage}\n`);
    process.exit(0);
  }
  if (read.error !== undefined) {
    process.stderr.write(`${spec.name}: ${read.error}\n`);
    process.exit(2);
  }
  return read.args;
}

/** --size: a whole number of MiB, at least `min`, and a multiple of `multiple` when given. */
export function sizeCheck(min, multiple) {
  return ({ sizeMiB }) =>
    Number.isInteger(sizeMiB) && sizeMiB >= min && (multiple === undefined || sizeMiB % multiple === 0)
      ? null
      : `--size must be a whole number of MiB, ${multiple === undefined ? '' : `a multiple of ${multiple}, `}at least ${min}`;
}

/** --runs: at least one run. */
export function runsCheck({ runs }) {
  return Number.isInteger(runs) && runs >= 1 ? null : '--runs must be at least 1';
}

/** `flag` (its value under `key`): a whole number from `low` to `high`; `why` is added in brackets. */
export function rangeCheck(flag, key, low, high, why) {
  return (args) =>
    Number.isInteger(args[key]) && args[key] >= low && args[key] <= high
      ? null
      : `${flag} must be a whole number from ${low} to ${high}${why ? ` (${why})` : ''}`;
}
