import type { SearchEventSink } from '../search/search-events.js';

export interface LiveReport {
  sink: SearchEventSink;
  /** Resolves once no refresh is being written (before the final report, which must win). */
  idle(): Promise<void>;
}

/**
 * Refreshes report.html while a search runs: when a member finishes, at most once every
 * `intervalSeconds` and never two writes at once (a write renders the partial report of the
 * members so far; nothing is evaluated again per member). A failed write is said once and never
 * stops the search.
 */
export function liveReport(
  write: () => Promise<unknown>,
  options: { intervalSeconds: number; now?: () => number; warn?: (line: string) => void },
): LiveReport {
  const now = options.now ?? Date.now;
  let last = Number.NEGATIVE_INFINITY;
  let writing: Promise<void> | undefined;
  let warned = false;
  const refresh = () => {
    last = now();
    writing = write()
      .then(
        () => undefined,
        (error: unknown) => {
          if (warned) return;
          warned = true;
          options.warn?.(`report.html not refreshed (the search goes on): ${(error as Error).message.split('\n')[0]}`);
        },
      )
      .finally(() => (writing = undefined));
  };
  return {
    sink(event) {
      if (event.type !== 'trial-settled' || event.replayed || !event.settled.member) return;
      if (writing || now() - last < options.intervalSeconds * 1000) return;
      refresh();
    },
    idle: async () => {
      while (writing) await writing;
    },
  };
}
