// A build starts from an empty dist/, so files of moved or deleted modules do not linger in the package.
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
