import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { SentenceText, UserText } from './user-text';

describe('text from other people in the page', () => {
  it('shows each name the engine isolated in a sentence as a <bdi>, without the marks', () => {
    const html = renderToStaticMarkup(<SentenceText text={'\u2068Eve \u202eevil\u2069 and \u2068Sam\u2069 signed up for Beach Cleanup today'} />);
    expect(html).toBe('<bdi>Eve \u202eevil</bdi> and <bdi>Sam</bdi> signed up for Beach Cleanup today');
  });

  it('isolates a name, comment or note wherever it is shown', () => {
    expect(renderToStaticMarkup(<UserText text={'\u202eevil'} />)).toBe('<bdi class="user-text "><span>\u202eevil</span></bdi>');
  });
});
