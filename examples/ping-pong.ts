/**
 * ping-pong: two goroutines hit a ball back and forth over an unbuffered channel (the classic Go talk example).
 * Each hit is a rendezvous: a send completes only when the other player receives.
 * Run: npx tsx examples/ping-pong.ts
 */
import { chan, go, main, sleep, type Chan, type SendChan } from '../runtime/index.js';

interface Ball {
  hits: number;
}

async function player(name: string, table: Chan<Ball>, done: SendChan<Ball>): Promise<void> {
  for await (const ball of table) {
    ball.hits++;
    console.log(`${name} ${ball.hits}`);
    await sleep(10);
    if (ball.hits === 6) await done.send(ball);
    else await table.send(ball);
  }
}

main(async () => {
  const table = chan<Ball>();
  const done = chan<Ball>();
  go(player, 'ping', table, done);
  go(player, 'pong', table, done);
  await table.send({ hits: 0 }); // toss the ball
  const ball = await done.recv();
  table.close(); // both players' loops end
  console.log(`game over after ${ball!.hits} hits`);
});

// Output:
// ping 1
// pong 2
// ping 3
// pong 4
// ping 5
// pong 6
// game over after 6 hits
