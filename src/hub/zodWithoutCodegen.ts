/**
 * Imported before any zod schema is built (zod reads this setting as it builds each object schema).
 * By default zod generates and compiles a parser function (`new Function`) for every object schema on
 * its first parse, which pays off over many parses; the CLI parses one hub file and one facts file per
 * run, so generating that code cost more than it saved (about 10 ms of a start). zod's interpreted
 * parse gives the same results and issues.
 */
import { config } from 'zod';

config({ jitless: true });
