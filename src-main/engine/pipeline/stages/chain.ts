// The pipeline's chain, in order. A comment travels:
//
//   webhook POST ─▶ ingest ─▶ vt:stream:ingest ─▶ preprocess ─▶ vt:stream:comments ─▶ classify ─▶ vt:stream:intents ─▶ record ─▶ lowdb, replies, live events
//                  (vt_ingest)                   (vt_preprocess)  └─ items that need no model ──────────────────────▶┘
//
// Each stage file declares its input stream, consumer group, entry schema, commit and outputs
// (StageDeclaration, stage.ts) and builds its consumer from them. chain.test.ts checks that each
// stage reads what the one before writes. Entries that no stage can process go to the
// dead-letter stream (pipeline/dead-letters/). docs/architecture.md draws the same wing.
import { CLASSIFY_STAGE } from './classify';
import { INGEST_STAGE } from './ingest';
import { PREPROCESS_STAGE } from './preprocess';
import { RECORD_STAGE } from './record';
import type { StageDeclaration } from './stage';

export const PIPELINE_CHAIN: readonly StageDeclaration[] = [INGEST_STAGE, PREPROCESS_STAGE, CLASSIFY_STAGE, RECORD_STAGE];

export { CLASSIFY_STAGE, INGEST_STAGE, PREPROCESS_STAGE, RECORD_STAGE };
