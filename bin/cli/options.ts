// Flag parsing for every command: `--name value`, `--name=value`, boolean `--name`, and the
// same option from the environment as EAS_PUSH_<NAME> (flags win). Errors are one line that
// names the flag or variable and what it expected.

import { usageError } from './errors.js';
import { ValueError } from './values.js';

export interface OptionSpec {
  name: string;
  /** 'value' takes an argument; 'flag' is a boolean switch. */
  kind: 'value' | 'flag';
  /** Shown in help: HOST:PORT, BYTES… */
  metavar?: string;
  help: string;
  parse?: (raw: string) => unknown;
  /** False for options that make no sense in the environment. */
  env?: boolean;
}

export interface Parsed {
  values: Map<string, unknown>;
  positionals: string[];
  help: boolean;
}

export function envName(option: string): string {
  return `EAS_PUSH_${option.toUpperCase().replace(/-/g, '_')}`;
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off', '']);

function convert(spec: OptionSpec, raw: string, source: string): unknown {
  try {
    return spec.parse ? spec.parse(raw) : raw;
  } catch (err) {
    if (err instanceof ValueError) throw usageError(`invalid value for ${source}: ${JSON.stringify(raw)} (${err.message})`);
    throw err;
  }
}

export function parseOptions(
  args: readonly string[],
  specs: readonly OptionSpec[],
  env: NodeJS.ProcessEnv,
  command: string,
): Parsed {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const values = new Map<string, unknown>();
  const positionals: string[] = [];
  let help = false;
  let onlyPositionals = false;

  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (onlyPositionals || !arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = (eq >= 0 ? arg.slice(0, eq) : arg).replace(/^--?/, '');
    const spec = byName.get(name);
    if (!spec || !arg.startsWith('--')) throw usageError(`unknown option ${eq >= 0 ? arg.slice(0, eq) : arg} for "${command}" (see eas-push ${command} --help)`);
    if (spec.kind === 'flag') {
      if (eq >= 0) throw usageError(`option --${name} takes no value`);
      values.set(name, true);
      continue;
    }
    let raw: string | undefined;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      raw = args[i + 1];
      if (raw === undefined || (raw.startsWith('--') && raw.length > 2)) {
        throw usageError(`option --${name} needs a value${spec.metavar ? ` (${spec.metavar})` : ''}`);
      }
      i++;
    }
    values.set(name, convert(spec, raw, `--${name}`));
  }

  for (const spec of specs) {
    if (values.has(spec.name) || spec.env === false) continue;
    const variable = envName(spec.name);
    const raw = env[variable];
    if (raw === undefined) continue;
    if (spec.kind === 'flag') {
      const v = raw.trim().toLowerCase();
      if (TRUE.has(v)) values.set(spec.name, true);
      else if (!FALSE.has(v)) throw usageError(`invalid value for ${variable}: ${JSON.stringify(raw)} (expected 1 or 0)`);
      continue;
    }
    values.set(spec.name, convert(spec, raw, variable));
  }
  return { values, positionals, help };
}

export function formatOptions(specs: readonly OptionSpec[]): string {
  const rows = specs.map((s) => [`--${s.name}${s.kind === 'value' ? ` ${s.metavar ?? 'VALUE'}` : ''}`, s.help]);
  const width = Math.max(...rows.map((r) => r[0]!.length)) + 2;
  return rows.map(([left, right]) => `  ${left!.padEnd(width)}${right}`).join('\n');
}
