// Entry point of the `drumbeats` binary. Startup is budget: `run`, `ping` and
// `flush` sit in the hot path of other people's jobs, so they are dispatched
// before anything heavy loads; every other command goes through commander,
// imported lazily in ./program.ts.

const [command, ...rest] = process.argv.slice(2);

async function main(): Promise<number> {
  switch (command) {
    case 'run': {
      const { runCommand } = await import('./commands/run.ts');
      return runCommand(rest, process.env);
    }
    case 'ping': {
      const { pingCommand } = await import('./commands/ping.ts');
      return pingCommand(rest, process.env);
    }
    case 'flush': {
      const { flushCommand } = await import('./commands/flush.ts');
      return flushCommand(rest, process.env);
    }
    default: {
      const { runProgram } = await import('./program.ts');
      return runProgram(process.argv, process.env);
    }
  }
}

process.exitCode = await main();
