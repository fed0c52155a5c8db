import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, headersFile } from '../../../security-headers.ts';

describe('deployment headers', () => {
  it('public/_headers (copied into dist/) is generated from security-headers.ts', () => {
    // Regenerate with: npx tsx -e "import('./security-headers.ts').then(m => process.stdout.write(m.headersFile()))" > public/_headers
    expect(readFileSync('public/_headers', 'utf8')).toBe(headersFile());
  });

  it('allows no inline script and no eval, only WebAssembly compilation', () => {
    const script = CONTENT_SECURITY_POLICY.split('; ').find((d) => d.startsWith('script-src'));
    expect(script).toBe("script-src 'self' 'wasm-unsafe-eval'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/'unsafe-eval'|script-src[^;]*'unsafe-inline'/);
  });
});
