/**
 * pipeline: the seed's section 3 usage, a parse -> validate -> transform pipeline over raw CSV-like lines. It
 * processes one item, then a stream with a failing line (which goes to the dead letters while the rest flows on),
 * then a batch with a filter, breaks out of an endless stream, and prints what the stages counted.
 *
 * Stages run `concurrency` goroutines each between channels of `bufferSize`; the processors wait a few ms that vary
 * per item, so items overtake each other inside a stage, and the pipeline still delivers them in source order.
 *
 * Run: npx tsx examples/patterns/pipeline.ts
 */
import { main, sleep } from '../../runtime/index.js';
import { Pipeline } from '../../patterns/index.js';

interface Parsed {
  id: number;
  name: string;
  amount: number;
}

interface ProcessedData {
  id: number;
  label: string;
  cents: number;
}

async function parseData(raw: string): Promise<Parsed> {
  const [id, name, amount] = raw.split(',');
  await sleep((Number(id) * 7) % 5); // uneven work: items finish out of order inside the stage
  return { id: Number(id), name: name ?? '', amount: Number(amount) };
}

async function validateData(p: Parsed): Promise<Parsed> {
  await sleep((p.id * 3) % 4);
  if (!Number.isFinite(p.amount)) throw new Error(`amount of #${p.id} is not a number`);
  return p;
}

function transformData(p: Parsed): ProcessedData {
  return { id: p.id, label: p.name.toUpperCase(), cents: Math.round(p.amount * 100) };
}

const show = (d: ProcessedData): string => `#${d.id} ${d.label} ${d.cents}c`;

async function* dataStream(): AsyncGenerator<string> {
  const lines = ['1,apple,1.25', '2,pear,0.5', '3,fig,oops', '4,kiwi,2', '5,plum,0.75', '6,lime,3.1'];
  for (const line of lines) {
    await sleep(1);
    yield line;
  }
}

main(async () => {
  // Build data processing pipeline
  const pipeline = new Pipeline<string>({ name: 'orders' })
    .addStage({ name: 'parse', processor: parseData, concurrency: 2, bufferSize: 100 })
    .addStage({ name: 'validate', processor: validateData, concurrency: 4, bufferSize: 200 })
    .addStage({ name: 'transform', processor: transformData, concurrency: 8, bufferSize: 500 });

  // Process single item
  const result = await pipeline.process('7,mango,4.5');
  console.log(`process: ${show(result)}`);

  // Process stream of data
  console.log('processStream:');
  const stream = pipeline.processStream(dataStream());
  for await (const processed of stream) {
    console.log(`  ${show(processed)}`);
  }
  for (let d = pipeline.deadLetters.tryRecv(); d !== undefined; d = pipeline.deadLetters.tryRecv()) {
    const { item, stage, error } = d.value!;
    console.log(`dead letter from ${stage}: ${JSON.stringify(item)} (${(error as Error).message})`);
  }

  // Process a batch, keeping only the large amounts
  const big = new Pipeline<string>()
    .addStage('parse', parseData, { concurrency: 2 })
    .addFilter((p) => p.amount >= 1)
    .addStage('transform', transformData);
  const batch = await big.processBatch(['1,apple,1.25', '2,pear,0.5', '4,kiwi,2']);
  console.log(`processBatch (amount >= 1): ${batch.map(show).join(', ')}`);

  // Break out of an endless stream: the source is told (return()) and every goroutine ends
  async function* endless(): AsyncGenerator<string> {
    try {
      for (let i = 100; ; i++) yield `${i},item,1`;
    } finally {
      console.log('endless source: return() called');
    }
  }
  let taken = 0;
  for await (const processed of pipeline.processStream(endless())) {
    if (++taken === 3) {
      console.log(`took 3, last ${show(processed)}; breaking`);
      break;
    }
  }
  console.log(`goroutines still running: ${pipeline.activeGoroutines}`);

  const m = pipeline.getMetrics();
  console.log(`metrics: ${m.completed} delivered, ${m.deadLettered} dead-lettered`);
  for (const s of m.stages) console.log(`  ${s.name}: concurrency ${s.concurrency}, ${s.failed} failed`);
});

// Output:
// process: #7 MANGO 450c
// processStream:
//   #1 APPLE 125c
//   #2 PEAR 50c
//   #4 KIWI 200c
//   #5 PLUM 75c
//   #6 LIME 310c
// dead letter from validate: {"id":3,"name":"fig","amount":null} (amount of #3 is not a number)
// processBatch (amount >= 1): #1 APPLE 125c, #4 KIWI 200c
// took 3, last #102 ITEM 100c; breaking
// endless source: return() called
// goroutines still running: 0
// metrics: 9 delivered, 1 dead-lettered
//   parse: concurrency 2, 0 failed
//   validate: concurrency 4, 1 failed
//   transform: concurrency 8, 0 failed
