/**
 * The command-line entry (`npm run -s cli -- <command> ...`). Each command lives in
 * scripts/cli/<command>.ts and exports `run(args: string[]): Promise<number>` (the exit code)
 * and a one-line `summary`, so commands are added without touching this file.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UsageError } from './cli/_args';

type Command = { run: (args: string[]) => Promise<number>; summary: string };

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cli');

function available(): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('_'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function load(name: string): Promise<Command> {
  return (await import(pathToFileURL(path.join(dir, `${name}.ts`)).href)) as Command;
}

async function usage(): Promise<string> {
  const lines = ['usage: npm run -s cli -- <command> [args]', '', 'commands:'];
  for (const name of available()) lines.push(`  ${name.padEnd(10)} ${(await load(name)).summary}`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  const [name, ...args] = process.argv.slice(2);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(await usage());
    return name ? 0 : 1;
  }
  if (!available().includes(name)) {
    console.error(`unknown command "${name}"`);
    console.error(await usage());
    return 1;
  }
  const command = await load(name);
  try {
    return await command.run(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${name}: ${err.message}`);
    console.error(`usage: npm run -s cli -- ${command.summary}`);
    return 2;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 2;
  },
);
