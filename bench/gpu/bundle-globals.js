// Injected into the GPU check's bundle (bench/gpu/pack.sh): __dirname and __filename, which
// bundled CommonJS packages read (tfjs-backend-wasm finds its .wasm files under __dirname), for
// ESM output. Injected rather than declared in a banner, so esbuild renames them where a bundled
// module declares its own (the webgpu package does). `require` comes from pack.sh's banner.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const file = fileURLToPath(import.meta.url);
const dir = dirname(file);
export { file as __filename, dir as __dirname };
