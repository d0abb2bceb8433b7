import commitInclude from '../../../gears/includes/commit.lua?raw';
import versionInclude from '../../../gears/includes/version.lua?raw';
import classifier from '../../../gears/classifier.lua?raw';
import feed from '../../../gears/feed.lua?raw';
import ingest from '../../../gears/ingest.lua?raw';
import metrics from '../../../gears/metrics.lua?raw';
import preprocess from '../../../gears/preprocess.lua?raw';
import streams from '../../../gears/streams.lua?raw';
import { prepareGear, type GearSource, type PreparedGear } from './loader';

/** Every gear library the engine loads at start. Add new `gears/*.lua` files here. */
export const GEAR_SOURCES: GearSource[] = [
  { name: 'vt_ingest', source: ingest },
  { name: 'vt_metrics', source: metrics },
  { name: 'vt_feed', source: feed },
  { name: 'vt_streams', source: streams },
  { name: 'vt_preprocess', source: preprocess },
  { name: 'vt_classifier', source: classifier },
];

const INCLUDES: Record<string, string> = { 'version.lua': versionInclude, 'commit.lua': commitInclude };

export function preparedGears(): PreparedGear[] {
  return GEAR_SOURCES.map((g) => prepareGear(g, INCLUDES));
}
