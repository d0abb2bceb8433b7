// A process that starts a supervised redis-server, prints its pid, then exits the way the app
// would when it crashes or calls process.exit() without stopping the engine. Used by
// supervisor.test.ts to check that the server does not outlive the app.
import { memoryLogger } from '../../log';
import { RedisSupervisor } from '../supervisor';

const [dir, binary, how] = process.argv.slice(2);
const sup = new RedisSupervisor({ binary: binary!, dir: dir!, log: memoryLogger() });
await sup.start();
process.stdout.write(`${sup.status().pid}\n`);
if (how === 'throw') setImmediate(() => { throw new Error('an uncaught error in the app'); });
else process.exit(3);
