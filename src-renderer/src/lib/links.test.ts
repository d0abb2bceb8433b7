import { describe, expect, it } from 'vitest';
import { safeExternalUrl, splitLinks } from './links';

describe('links in user text', () => {
  it('accepts only http(s) addresses without credentials', () => {
    expect(safeExternalUrl('https://example.org/a?b=1')).toBe('https://example.org/a?b=1');
    expect(safeExternalUrl('javascript:alert(1)')).toBeNull();
    expect(safeExternalUrl('JaVaScRiPt:alert(1)')).toBeNull();
    expect(safeExternalUrl('data:text/html,<script>x</script>')).toBeNull();
    expect(safeExternalUrl('file:///etc/passwd')).toBeNull();
    expect(safeExternalUrl('/relative')).toBeNull();
    expect(safeExternalUrl('https://user:pw@evil.example')).toBeNull();
  });

  it('links web addresses and leaves everything else, including javascript:, as text', () => {
    expect(splitLinks('see https://ex.org/x, then javascript:alert(1)')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://ex.org/x', href: 'https://ex.org/x' },
      { kind: 'text', text: ', then javascript:alert(1)' },
    ]);
  });

  it('keeps markup as text', () => {
    expect(splitLinks('<a href="javascript:x">hi</a>')).toEqual([{ kind: 'text', text: '<a href="javascript:x">hi</a>' }]);
  });
});
