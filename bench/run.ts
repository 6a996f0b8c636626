/** `npm run bench`: every benchmark in one process, one after another. Results go to stdout. */
const only = process.argv[2];
const benches = ['publish', 'registry', 'trust', 'router', 'disclosures'];
for (const name of benches) {
  if (only && only !== name) continue;
  process.stdout.write(`\n# ${name}\n`);
  await import(`./${name}.bench.js`);
}
