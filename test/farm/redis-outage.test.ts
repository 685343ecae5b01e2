/**
 * RedisWatch against a redis-server of the test's own that it crashes, freezes and restarts:
 * one line when the connection goes, one when it is back, a give-up after the timeout that ends
 * the connections made through it (so that a coordinator or worker can exit).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import { RedisWatch, type RedisOutage } from '../../src/farm/redis/outage.js';
import { startOwnRedis } from '../fixtures/redis-server.js';

interface Watched {
  watch: RedisWatch;
  lines: string[];
  recovered: number;
  gaveUp: Promise<RedisOutage>;
}

function watch(url: string, timeoutMs: number): Watched {
  const lines: string[] = [];
  let giveUp!: (outage: RedisOutage) => void;
  const gaveUp = new Promise<RedisOutage>((resolve) => (giveUp = resolve));
  const watched: Watched = { lines, recovered: 0, gaveUp, watch: undefined as unknown as RedisWatch };
  watched.watch = new RedisWatch({
    url,
    timeoutMs,
    intervalMs: 100,
    log: (line) => lines.push(line),
    onGiveUp: giveUp,
    onRecovered: () => watched.recovered++,
  });
  return watched;
}

/** Lets a new watch connect and answer a first ping. */
const connected = () => new Promise((resolve) => setTimeout(resolve, 300));

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 50));
};

test('Redis gone for good: one line, then a give-up naming the address and the error; queued commands fail instead of hanging', async (t) => {
  const redis = await startOwnRedis();
  if ('skip' in redis) return t.skip(redis.skip);
  const { watch: watcher, lines, gaveUp } = watch(redis.url, 1500);
  const queue = new Queue('outage', { connection: watcher.connectionOptions(), prefix: 'nes-test' });
  queue.on('error', () => {});
  try {
    watcher.track(await queue.waitUntilReady());
    await redis.crash();
    // A command issued while Redis is away waits for it (BullMQ retries) …
    const waiting = queue.getJobState('x');
    const outage = await gaveUp;
    assert.equal(outage.address, redis.url);
    assert.equal(outage.seconds, 1.5);
    assert.match(outage.lastError, /ECONNREFUSED/);
    // … and fails once the watch gave up, so that nothing keeps the process alive.
    await assert.rejects(waiting, /Connection is closed/);
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0]!, new RegExp(`^lost the connection to Redis at ${redis.url} \\(.*\\); waiting up to 1.5 s for it to come back$`));
    assert.ok(watcher.gone);
  } finally {
    await watcher.stop();
    await queue.close();
    await redis.stop();
  }
});

test('a Redis that stops answering (frozen, connections open) is given up on like one that refuses', async (t) => {
  const redis = await startOwnRedis();
  if ('skip' in redis) return t.skip(redis.skip);
  const { watch: watcher, lines, gaveUp } = watch(redis.url, 1500);
  try {
    await connected();
    redis.freeze();
    const outage = await gaveUp;
    assert.match(outage.lastError, /timed out/i);
    assert.equal(lines.length, 1, lines.join('\n'));
  } finally {
    await watcher.stop();
    await redis.stop();
  }
});

test('a Redis back within the limit: lost and back lines, onRecovered, no give-up', async (t) => {
  const redis = await startOwnRedis();
  if ('skip' in redis) return t.skip(redis.skip);
  const watched = watch(redis.url, 20_000);
  let gaveUp = false;
  void watched.gaveUp.then(() => (gaveUp = true));
  try {
    await connected();
    await redis.restart();
    await until(() => watched.recovered === 1);
    assert.equal(gaveUp, false);
    assert.equal(watched.lines.length, 2, watched.lines.join('\n'));
    assert.match(watched.lines[0]!, /^lost the connection to Redis at /);
    assert.match(watched.lines[1]!, new RegExp(`^Redis at ${redis.url} answers again after \\d+\\.\\d s$`));
    assert.equal(watched.watch.down, false);
  } finally {
    await watched.watch.stop();
    await redis.stop();
  }
});
