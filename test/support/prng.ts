import { seededRandom } from '../../src-main/engine/model/training/random';

/** The project's seeded generator (mulberry32), so property and fuzz tests are repeatable. */
export const prng = seededRandom;

/** Random JSON-ish values of many shapes, including the awkward ones. */
export function randomValue(rand: () => number, depth = 0): unknown {
  const pick = Math.floor(rand() * 16);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return rand() < 0.5;
    case 2:
      return Math.floor(rand() * 2000) - 1000;
    case 3:
      return [Number.MAX_SAFE_INTEGER, -0, 1e308, -1e308, 0.1][Math.floor(rand() * 5)];
    case 4:
      return '';
    case 5:
      return 'x'.repeat(Math.floor(rand() * 5000));
    case 6:
      return ['<script>alert(1)</script>', 'javascript:alert(1)', '../../etc/passwd', '\u0000\u0001', '🙂🙃', 'Robert"); DROP TABLE', '%s%s%n'][Math.floor(rand() * 7)];
    case 7:
      return new Date(Math.floor(rand() * 4e12)).toISOString();
    case 8:
      return String(Math.floor(rand() * 1e6));
    case 9:
    case 10:
      return depth > 3 ? 'deep' : Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
    case 11:
    case 12: {
      if (depth > 3) return {};
      const o: Record<string, unknown> = {};
      for (let i = 0; i < Math.floor(rand() * 4); i += 1) o[['id', 'name', 'eventId', 'query', '__proto__', 'constructor', 'x'][Math.floor(rand() * 7)]!] = randomValue(rand, depth + 1);
      return o;
    }
    case 13:
      return 'abc';
    case 14:
      return Math.round(rand() * 100);
    default:
      return { id: String(Math.floor(rand() * 100)) };
  }
}
