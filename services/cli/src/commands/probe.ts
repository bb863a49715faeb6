import { checkHealth, EXIT } from '@cliver/common';
import { complain, say } from './cli-context';

/** Container health check: exit 0 when the gRPC server at `address` reports SERVING. */
export async function probe(address: string): Promise<number> {
  try {
    const state = await checkHealth(address, 2000);
    say(state);
    return state === 'SERVING' ? EXIT.OK : EXIT.FAILED;
  } catch (err) {
    complain(`${address}: ${(err as Error).message}`);
    return EXIT.FAILED;
  }
}
