/**
 * Opens the workspace without a server for one `carnet run` / `carnet export`, turns a
 * CarnetError into its message on stderr and exit code 1, and always closes.
 */
import type { Config } from '../config.js';
import { CarnetError } from '../errors.js';
import { openHeadless, type Headless } from '../export/index.js';
import type { CliIo } from './user.js';

/** Runs `f` over a headless workspace; its exit code, or 1 after printing a CarnetError. */
export async function withHeadless(config: Config, io: CliIo, f: (h: Headless) => Promise<number>): Promise<number> {
  const h = await openHeadless(config, io.err);
  try {
    return await f(h);
  } catch (e) {
    if (!(e instanceof CarnetError)) throw e;
    io.err(`carnet: ${e.message}`);
    return 1;
  } finally {
    await h.close();
  }
}
