/** `npm run bench`: prints the engine and cluster benchmark figures. */
import { benchEngine } from './engine.bench';

async function main(): Promise<void> {
  console.log('== engine ==');
  for (const [k, v] of Object.entries(await benchEngine())) console.log(`${k}: ${v}`);
  const cluster = await import('./cluster.bench').catch(() => undefined);
  if (cluster && typeof cluster.benchCluster === 'function') {
    console.log('== cluster (fixture API server) ==');
    for (const [k, v] of Object.entries(await cluster.benchCluster())) console.log(`${k}: ${v}`);
  }
  const logs = (await import('./logs.bench')).benchLogThroughput();
  console.log('== logs ==');
  console.log(`${logs.name}: ${logs.value} ${logs.unit} (bare JSON.parse ${logs.reference} ${logs.unit}, ratio ${logs.ratio}; target ${logs.target})`);
}

main().then(() => process.exit(0), (err: unknown) => { console.error(err); process.exit(1); });
